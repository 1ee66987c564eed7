// The bundle's start-up budget (README "Performance"), checked on a fresh build: what the action
// loads before its first line of work stays small, and the heavy libraries stay in lazy chunks.
// A single `import { z } from 'zod'` (all of zod, every locale) or a static import of Octokit
// fails here rather than in a later benchmark.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { findingsOf, parseLicenses } from '../scripts/check-licenses.js';
import { ROOT } from './support/run-action.js';

let out = '';
let meta: Metafile;

beforeAll(() => {
  const work = mkdtempSync(join(tmpdir(), 'bundle-test-'));
  out = join(work, 'dist');
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/bundle.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, BUNDLE_OUT_DIR: out, BUNDLE_METAFILE_DIR: work },
      stdio: 'pipe',
    },
  );
  meta = JSON.parse(readFileSync(join(work, 'src_index_ts.json'), 'utf8')) as Metafile;
}, 120_000);

/** The output files `from` (default: the action's entry) loads before running: its static import graph. */
function staticGraph(from = key(join(out, 'index.js'))): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const im of meta.outputs[file]?.imports ?? [])
      if (im.kind === 'import-statement' && !im.external) visit(im.path);
  };
  visit(from);
  return [...seen];
}

const key = (file: string) => relative(ROOT, resolve(file));

/** The output chunk whose entry point (a lazily imported module) is `source`. */
function chunkOf(source: string): string {
  const found = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === source);
  if (!found) throw new Error(`no chunk has ${source} as its entry point`);
  return found[0];
}

describe('the bundle (scripts/bundle.ts)', () => {
  it('loads at most 300 kB of code before the gate starts (400 kB with report files)', () => {
    const bytes = staticGraph().reduce((sum, f) => sum + statSync(resolve(ROOT, f)).size, 0);
    expect(bytes).toBeGreaterThan(50_000);
    expect(bytes).toBeLessThanOrEqual(300_000);
  });

  it('sends the first request without jstat or the runs-page schema built: they load while it is out', () => {
    // The pipeline chunk and everything it imports statically is what runs before the requests.
    const inputs = staticGraph(chunkOf('src/pipeline/run-gate.ts')).flatMap((f) =>
      Object.keys(meta.outputs[f]!.inputs),
    );
    expect(inputs.some((i) => i.includes('src/providers/cargo/client.ts'))).toBe(true);
    expect(
      inputs.filter((i) => /node_modules\/jstat\/|src\/engine\/(project|bound|drift)\.ts/.test(i)),
    ).toEqual([]);
    expect(
      Object.values(meta.outputs).some((o) =>
        Object.keys(o.inputs).some((i) => i.includes('node_modules/jstat/')),
      ),
    ).toBe(true);
  });

  it('keeps undici, the toolkit HTTP client, Octokit, the artifact client, prom-client and the HTML report out of start-up', () => {
    const inputs = staticGraph().flatMap((f) => Object.keys(meta.outputs[f]!.inputs));
    const heavy =
      /node_modules\/(undici|@actions\/http-client|@octokit|@actions\/artifact|@actions\/github|@azure|prom-client)\/|src\/report\/html\.ts|src\/github\/comment\.ts/;
    expect(inputs.filter((i) => heavy.test(i))).toEqual([]);
    // …and they are in the build, behind import().
    const all = Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs));
    for (const lazy of ['node_modules/@actions/artifact/', 'src/report/html.ts'])
      expect(all.some((i) => i.includes(lazy))).toBe(true);
  });

  it('loads builtins with process.getBuiltinModule, never an ESM import of node:http', () => {
    const code = Object.keys(meta.outputs)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(resolve(ROOT, f), 'utf8'))
      .join('\n');
    expect(code).toContain('process.getBuiltinModule("node:http")');
    expect(code).not.toMatch(/(from|import)\s*"(node:)?(http|https)"/);
  });

  it('loads crypto only when something uses it: refusing a bad input never does', () => {
    const hook = join(out, '..', 'builtins-hook.mjs');
    writeFileSync(
      hook,
      "process.on('exit', () => process.stderr.write('LOADED ' + process.moduleLoadList.filter((m) => m.startsWith('NativeModule crypto')).join(',') + '\\n'));\n",
    );
    const refused = spawnSync(process.execPath, ['--import', hook, join(out, 'index.js')], {
      env: { PATH: process.env.PATH, 'INPUT_API-TOKEN': 'tok', 'INPUT_RECORD-COUNT': '-5' },
      encoding: 'utf8',
    });
    expect(refused.stdout).toContain("::error::Input 'record-count'");
    expect(refused.stderr).toMatch(/^LOADED \n/m);
    // Every end-to-end test that sets outputs (a UUID per output) uses it through the shim.
  });

  it('writes source maps beside the code without registering them at start-up', () => {
    const code = readFileSync(join(out, 'index.js'), 'utf8');
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.js\.map\s*$/);
    expect(code).not.toContain('sourcemap-register');
    expect(statSync(join(out, 'index.js.map')).size).toBeGreaterThan(0);
  });

  it('writes licenses.txt files in the shape the license check reads', () => {
    const names = parseLicenses(readFileSync(join(out, 'licenses.txt'), 'utf8')).map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['@actions/core', 'zod', 'jstat', '@actions/artifact']),
    );
    // Every package names its license (jstat only in the old `licenses` array form).
    expect(findingsOf(parseLicenses(readFileSync(join(out, 'licenses.txt'), 'utf8')))).toEqual([]);
    expect(names).toEqual([...names].sort());
    expect(
      parseLicenses(readFileSync(join(out, 'cli', 'licenses.txt'), 'utf8')).length,
    ).toBeGreaterThan(0);
    expect(
      parseLicenses(readFileSync(join(out, 'engine', 'licenses.txt'), 'utf8')).length,
    ).toBeGreaterThan(0);
  });

  it('fails with a runner error and decision=unknown when its own code cannot load', () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'bundle-broken-')), 'dist');
    cpSync(out, broken, { recursive: true });
    const chunks = readdirSync(join(broken, 'chunks')).filter((f) => /^main-.*\.js$/.test(f));
    expect(chunks).toHaveLength(1);
    rmSync(join(broken, 'chunks', chunks[0]!));
    const outputs = join(broken, 'outputs.txt');
    writeFileSync(outputs, '');
    const result = spawnSync(process.execPath, [join(broken, 'index.js')], {
      env: { PATH: process.env.PATH, GITHUB_OUTPUT: outputs },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^::error::batch-cost-gate could not load its code: /m);
    expect(readFileSync(outputs, 'utf8')).toBe('decision=unknown\n');
  });

  it('builds the bin with its shebang, and the engine entry alone', () => {
    expect(
      readFileSync(join(out, 'cli', 'index.js'), 'utf8').startsWith('#!/usr/bin/env node\n'),
    ).toBe(true);
    const engine = readFileSync(join(out, 'engine', 'index.js'), 'utf8');
    expect(engine).not.toContain('getBuiltinModule("node:http');
  });
});
