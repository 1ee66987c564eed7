/**
 * `npm run bundle`: builds dist/ (the action), dist/cli/ (the bin) and dist/engine/ (the public
 * pure library) with esbuild, each with a licenses.txt and source maps as separate files.
 *
 *   BUNDLE_OUT_DIR=/tmp/me/dist npm run bundle    # build apart from the committed dist/
 *
 * Why esbuild rather than ncc (README "Performance"): a cold start is spent loading code, so
 * - what a decision does not need stays out of the entry: `import()` becomes a lazy chunk;
 * - `@actions/core` imports `@actions/http-client` (→ undici, 900 kB) for OIDC tokens we never
 *   ask for: `@actions/*` toolkit internals are marked free of side effects so unused ones drop;
 * - builtins are loaded with `process.getBuiltinModule` (CommonJS-style) rather than an ESM
 *   `import`: Node 24's ESM wrapper of `node:http` reads every export, `WebSocket` included,
 *   which loads Node's internal undici (35–50 ms);
 * - source maps are written beside the code but not registered at start-up (ncc's
 *   sourcemap-register.cjs ran on every start). `node --enable-source-maps` uses them.
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(ROOT, process.env.BUNDLE_OUT_DIR ?? 'dist');

/** Toolkit packages whose modules only define things: importing one for nothing may drop it. */
const SIDE_EFFECT_FREE = /^@actions\/(core|http-client|exec|io)(\/|$)/;
const SIDE_EFFECT_FREE_DIR = /[/\\]node_modules[/\\]@actions[/\\](core|http-client|exec|io)[/\\]/;
const BUILTIN = new RegExp(
  `^(node:)?(${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`,
);

/**
 * Builtins loaded on their first use rather than with the chunk that imports them. `crypto` is
 * imported by `@actions/core` (a UUID for each output) and by the report writers, yet nothing
 * before the first request uses it; loading it took ~10 ms of a decision's start-up
 * (README "Performance").
 */
const LAZY_BUILTINS = new Set(['crypto']);

/**
 * A CommonJS module whose every export is a getter that loads the builtin on first read. The
 * export names are the builtin's own, read here (the build's Node), so `import { x }`,
 * `import * as m` and `require` all see the same names; a value is the builtin's own.
 */
function lazyBuiltin(name: string): string {
  const keys = Object.keys(process.getBuiltinModule(`node:${name}`) as object);
  const load = `let m; const load = () => (m ??= process.getBuiltinModule(${JSON.stringify(`node:${name}`)}));`;
  const props = keys.map(
    (k) => `${JSON.stringify(k)}: { enumerable: true, get: () => load()[${JSON.stringify(k)}] }`,
  );
  return `${load}\nmodule.exports = Object.defineProperties({}, {\n${props.join(',\n')}\n});`;
}

const builtinsAsRequire: Plugin = {
  name: 'builtins-as-require',
  setup(b) {
    b.onResolve({ filter: BUILTIN }, (args) => ({
      path: args.path.replace(/^node:/, ''),
      namespace: 'node-builtin',
    }));
    // A CommonJS module whose exports are the builtin's own object: no ESM namespace is built.
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({
      contents: LAZY_BUILTINS.has(args.path)
        ? lazyBuiltin(args.path)
        : `module.exports = process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)});`,
      loader: 'js',
    }));
  },
};

const toolkitSideEffects: Plugin = {
  name: 'toolkit-side-effects',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      const toolkit = SIDE_EFFECT_FREE.test(args.path) || SIDE_EFFECT_FREE_DIR.test(args.importer);
      if (args.pluginData === 'resolving' || !toolkit || BUILTIN.test(args.path)) return undefined;
      const found = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving',
      });
      return SIDE_EFFECT_FREE_DIR.test(found.path) ? { ...found, sideEffects: false } : found;
    });
  },
};

interface Target {
  entry: string;
  out: string;
  splitting: boolean;
}

const TARGETS: Target[] = [
  { entry: 'src/index.ts', out: OUT, splitting: true },
  { entry: 'src/bin.ts', out: join(OUT, 'cli'), splitting: true },
  { entry: 'src/engine/index.ts', out: join(OUT, 'engine'), splitting: false },
];

async function bundle({ entry, out, splitting }: Target): Promise<Metafile> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { index: entry },
    outdir: out,
    bundle: true,
    splitting,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    sourcesContent: true,
    // License headers kept beside each output (*.LEGAL.txt), not in the code every start compiles.
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    // Less code to compile at every start; stack traces map back through the source map.
    minify: true,
    plugins: [builtinsAsRequire, toolkitSideEffects],
  });
  writeFileSync(join(out, 'package.json'), '{\n  "type": "module"\n}\n');
  writeFileSync(join(out, 'licenses.txt'), licensesOf(result.metafile));
  // For a look at what each output holds (`npx esbuild --analyze` style); never in dist/.
  const metaDir = process.env.BUNDLE_METAFILE_DIR;
  if (metaDir)
    writeFileSync(
      join(metaDir, `${entry.replace(/\W/g, '_')}.json`),
      JSON.stringify(result.metafile),
    );
  return result.metafile;
}

/** The package (name and folder) a bundled input file belongs to, or undefined for our own. */
function packageOf(input: string): { name: string; dir: string } | undefined {
  const at = input.lastIndexOf('node_modules/');
  if (at === -1) return undefined;
  const rest = input.slice(at + 'node_modules/'.length).split('/');
  const name = rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  return { name, dir: join(ROOT, input.slice(0, at), 'node_modules', name) };
}

function licenseText(dir: string): string {
  // Sorted: the same file on every machine whatever order the file system lists them in.
  const file = readdirSync(dir)
    .sort()
    .find((f) => /^licen[cs]e/i.test(f));
  return file ? readFileSync(join(dir, file), 'utf8').trim() : '';
}

/**
 * licenses.txt in the shape ncc wrote and scripts/check-licenses.ts reads: the bundled packages
 * sorted by name, each `name`, its license id, its license text, joined by a blank line.
 */
function licensesOf(meta: Metafile): string {
  // Keyed by name and version: a package bundled in two versions (readable-stream, isarray)
  // may carry two license texts, and each copy's own text is the one that applies to it.
  const packages = new Map<string, string>();
  for (const input of Object.keys(meta.inputs)) {
    const pkg = packageOf(input);
    if (!pkg || !existsSync(join(pkg.dir, 'package.json'))) continue;
    const manifest = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as {
      version?: string;
      license?: string;
      licenses?: { type?: string }[];
    };
    // Sorts by name first (NUL sorts before every character), then by version.
    const key = `${pkg.name}\u0000${manifest.version ?? ''}`;
    if (packages.has(key)) continue;
    // The old `licenses: [{ type }]` form (jstat) still names the license.
    const license = manifest.license ?? manifest.licenses?.map((l) => l.type).join(' OR ') ?? '';
    packages.set(key, `${pkg.name}\n${license}\n${licenseText(pkg.dir)}`);
  }
  const sorted = [...packages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${sorted.map(([, entry]) => entry).join('\n\n')}\n`;
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
for (const target of TARGETS) await bundle(target);
