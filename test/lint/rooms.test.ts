import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

/**
 * The room table of design.md ("Layers and rooms"), written out again as the spec the lint
 * configuration must meet: each room and the rooms it may use besides itself.
 */
const MAY_USE: Record<string, string[]> = {
  pipeline: ['inputs', 'engine', 'providers', 'http', 'report', 'github', 'export', 'shared'],
  inputs: ['shared'],
  engine: ['shared'],
  providers: ['http', 'engine', 'shared'],
  http: ['shared'],
  report: ['engine', 'shared'],
  github: ['report', 'http', 'shared'],
  export: ['report', 'http', 'shared'],
  shared: [],
};
const ROOMS = Object.keys(MAY_USE);
const SHELLS = ['index', 'main', 'bin', 'cli'];
const ROOM_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

const root = fileURLToPath(new URL('../..', import.meta.url));
// The files linted here do not exist, so they are outside the TypeScript project; the room rules
// need no types, and the type-aware rules would refuse such a file.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: tseslint.configs.disableTypeChecked as Linter.Config,
});

/** Every message ESLint gives for `code` as the file `filePath` (a parse error included). */
async function lint(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages;
}

/** The room messages for one import statement in `filePath`; throws on any other message. */
async function roomErrors(filePath: string, statement: string): Promise<string[]> {
  const messages = await lint(filePath, `${statement}\n`);
  const other = messages.filter((m) => !ROOM_RULES.has(m.ruleId ?? ''));
  expect(other, `${filePath}: ${statement}`).toEqual([]);
  return messages.map((m) => m.message);
}

describe('rooms enforced by lint', () => {
  it.each([
    ['src/report/report.ts', "export type { Log } from '../providers/provider.js';", 'report'],
    [
      'src/engine/gate.ts',
      "import { HttpClient } from '../http/client.js'; new HttpClient();",
      'engine',
    ],
    ['src/shared/log.ts', "import '../engine/gate.js';", 'shared'],
    ['src/shared/errors.ts', "export { VERSION } from '../main.js';", 'shared'],
    ['src/providers/cargo/source.ts', "import '../../pipeline/run-gate.js';", 'providers'],
    ['src/providers/registry.ts', "import '../pipeline/choose-source.js';", 'providers'],
    [
      'src/export/webhook.ts',
      "import type { Log } from '../providers/provider.js'; export type L = Log;",
      'export',
    ],
    ['src/http/client.ts', "export * from '../report/report.js';", 'http'],
    ['src/inputs/config.ts', "import '../engine/gate.js';", 'inputs'],
    ['src/github/comment.ts', "import '../pipeline/publish.js';", 'github'],
  ])('%s: `%s` fails', async (file, statement, room) => {
    const errors = await roomErrors(file, statement);
    expect(errors).toEqual([
      expect.stringMatching(
        new RegExp(`src/${room}/ may use .*\\(design\\.md, "Layers and rooms"\\)\\.$`),
      ),
    ]);
  });

  it.each([
    ['src/report/markdown.ts', "import { gate } from '../engine/gate.js'; export { gate };"],
    [
      'src/report/json.ts',
      "import { GateError } from '../shared/errors.js'; export { GateError };",
    ],
    ['src/providers/cargo/source.ts', "import '../../http/client.js';"],
    ['src/providers/cargo/source.ts', "import '../registry.js';"],
    ['src/providers/cargo/source.ts', "import '../../providers/registry.js';"],
    ['src/providers/venice/source.ts', "import '../../engine/estimate.js';"],
    ['src/engine/project.ts', "import './estimate.js';"],
    ['src/shared/log.ts', "import './errors.js';"],
    ['src/pipeline/run-gate.ts', "import '../github/comment.js';"],
    ['src/pipeline/run-gate.ts', "import * as core from '@actions/core'; export { core };"],
    ['src/github/comment.ts', "import '@octokit/plugin-retry';"],
    ['src/main.ts', "import './pipeline/run-gate.js'; import '@actions/core';"],
    ['src/cli.ts', "import './providers/registry.js'; import './report/text.js';"],
  ])('%s: `%s` passes', async (file, statement) => {
    expect(await roomErrors(file, statement)).toEqual([]);
  });

  it('catches a dynamic import() across rooms, and lets a right one through', async () => {
    const lazy = "export const load = () => import('../github/comment.js');";
    expect(await roomErrors('src/report/report.ts', lazy)).toEqual([
      'src/report/ may use engine, shared (design.md, "Layers and rooms").',
    ]);
    expect(await roomErrors('src/pipeline/publish.ts', lazy)).toEqual([]);
  });

  it.each(['engine', 'report'])('keeps the pure room %s free of I/O', async (room) => {
    const io = ['node:fs', 'fs/promises', 'node:http', 'undici', '@actions/core', '@octokit/core'];
    for (const module of io) {
      const errors = await roomErrors(`src/${room}/x.ts`, `import '${module}';`);
      expect(errors, module).toEqual([expect.stringContaining(`src/${room}/ is pure: no I/O`)]);
    }
    for (const module of ['zod', 'node:crypto', 'jstat'])
      expect(await roomErrors(`src/${room}/x.ts`, `import '${module}';`), module).toEqual([]);
  });

  it('lets only src/github/, src/pipeline/ and the shells use GitHub SDKs', async () => {
    const verdicts: Record<string, boolean> = {};
    for (const room of ROOMS.filter((r) => r !== 'engine' && r !== 'report')) {
      for (const module of ['@actions/core', '@octokit/plugin-retry']) {
        const errors = await roomErrors(`src/${room}/x.ts`, `import '${module}';`);
        verdicts[`${room} ${module}`] = errors.length === 0;
      }
    }
    const allowed = Object.keys(verdicts).filter((key) => verdicts[key]);
    expect(allowed.sort()).toEqual([
      'github @actions/core',
      'github @octokit/plugin-retry',
      'pipeline @actions/core',
    ]);
  });

  // The whole table, both for a file in a room and for one in a folder inside it (providers/cargo/).
  it.each(ROOMS.flatMap((room) => [`src/${room}/x.ts`, `src/${room}/sub/x.ts`]))(
    '%s may import exactly the rooms the design allows',
    async (file) => {
      const room = file.split('/')[1]!;
      const up = '../'.repeat(file.split('/').length - 2);
      const targets = [...ROOMS.map((r) => `${r}/x.js`), ...SHELLS.map((s) => `${s}.js`)];
      const code = targets.map((target) => `import '${up}${target}';`).join('\n');
      const messages = await lint(file, code);
      const refused = messages.map((m) => targets[m.line - 1]);
      const expected = targets.filter(
        (target) => target !== `${room}/x.js` && !MAY_USE[room]!.includes(target.split('/')[0]!),
      );
      expect(messages.every((m) => m.ruleId === 'no-restricted-imports')).toBe(true);
      expect(refused).toEqual(expected);
    },
  );

  it('covers every source file that is not a shell, and every folder of src/ is a room', async () => {
    const src = join(root, 'src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))
      .filter((path) => path.includes('/'));
    const uncovered = [];
    for (const path of files) {
      const config = (await eslint.calculateConfigForFile(join(src, path))) as Linter.Config;
      if (config.rules?.['no-restricted-imports'] === undefined) uncovered.push(path);
    }
    expect(uncovered).toEqual([]);
    const folders = readdirSync(src, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      // Ambient declarations for untyped packages; nothing imports from there.
      .filter((name) => name !== 'types');
    expect(folders.filter((name) => !ROOMS.includes(name))).toEqual([]);
  });
});
