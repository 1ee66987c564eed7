// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The rooms of design.md ("Layers and rooms") and the rooms each may use besides itself. A room
 * uses only rooms below it, so a wrong import fails `npm run lint` instead of a later reader.
 * The shells (src/index.ts, main.ts, bin.ts, cli.ts) may use everything and have no entry.
 * `pure` rooms do no I/O; `packages` are the SDKs a room may use of `@actions/*` / `@octokit/*`.
 * @type {Record<string, { uses: string[]; pure?: boolean; packages?: string[] }>}
 */
const ROOMS = {
  pipeline: {
    uses: ['inputs', 'engine', 'providers', 'http', 'report', 'github', 'export', 'shared'],
    packages: ['actions'],
  },
  inputs: { uses: ['shared'] },
  engine: { uses: ['shared'], pure: true },
  providers: { uses: ['http', 'engine', 'shared'] },
  http: { uses: ['shared'] },
  report: { uses: ['engine', 'shared'], pure: true },
  github: { uses: ['report', 'http', 'shared'], packages: ['actions', 'octokit'] },
  export: { uses: ['report', 'http', 'shared'] },
  shared: { uses: [] },
};

// Folders nest at most this deep inside a room (providers/cargo/ is 2); a test checks every file
// under src/ is covered, so a deeper folder fails that test rather than escaping the rule.
const ROOM_DEPTH = 3;

// Modules that do I/O: a pure room importing one is no longer a plain function of its inputs.
// The patterns spell '/' and '.' as [/] and [.] so the same text also works as an esquery regex.
const IO_MODULES = String.raw`^(node:)?(fs|http|https|http2|net|dgram|child_process)([/]|$)|^undici([/]|$)|^@(actions|octokit)[/]`;

/** The forbidden import patterns of a file `depth` folders below src/ in `room`. */
function roomPatterns(room, depth) {
  const { uses, pure = false, packages = [] } = ROOMS[room];
  const reachable = [room, ...uses].join('|');
  // Exactly `depth` × '../' lands in src/; what follows must be a room this one may use. One more
  // '../' leaves src/ (not a room), and same-folder imports ('./x.js') stay in the room.
  const patterns = [
    {
      regex: String.raw`^([.][.][/]){${depth}}(?![.][.][/]|(${reachable})[/])`,
      message: `src/${room}/ may use ${uses.length > 0 ? uses.join(', ') : 'nothing else in src'} (design.md, "Layers and rooms").`,
    },
  ];
  const sdks = ['actions', 'octokit'].filter((sdk) => !packages.includes(sdk));
  if (pure)
    patterns.push({
      regex: IO_MODULES,
      message: `src/${room}/ is pure: no I/O (fs, http, undici, @actions/*, @octokit/*).`,
    });
  else if (sdks.length > 0)
    patterns.push({
      regex: `^@(${sdks.join('|')})[/]`,
      message: `Only src/github/, src/pipeline/ (@actions/*) and the shells talk to GitHub's SDKs.`,
    });
  return patterns;
}

/** One config object per room and folder depth: rule options do not merge across objects. */
const roomConfigs = Object.keys(ROOMS).flatMap((room) =>
  Array.from({ length: ROOM_DEPTH }, (_, i) => {
    const patterns = roomPatterns(room, i + 1);
    // no-restricted-imports does not see `import()`, and lazy loads (pipeline → github) are used
    // here for start-up time, so the same patterns are applied to dynamic imports.
    const dynamic = patterns.map(({ regex, message }) => ({
      selector: `ImportExpression[source.value=/${regex}/]`,
      message,
    }));
    return {
      files: [`src/${room}/${'*/'.repeat(i)}*.ts`],
      rules: {
        'no-restricted-imports': ['error', { patterns }],
        'no-restricted-syntax': ['error', ...dynamic],
      },
    };
  }),
);

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'test/fixtures/**', 'bench/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A forgotten await loses API errors (peter-evans/create-or-update-comment had this bug).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // A function past 60 lines holds a second job (fromSample held the whole batch loop once).
    files: ['src/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  ...roomConfigs,
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
