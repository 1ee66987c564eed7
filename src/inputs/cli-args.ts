// The command line's flags: every CLI input of the table as `--name value`, plus the CLI's own
// flags. The help is built from the same table, so a flag cannot exist without a description.
import { ConfigError } from '../shared/errors.js';
import { CLIENT_NAME, VERSION } from '../shared/version.js';
import { CLI_INPUT_NAMES, INPUT_ROWS, type InputName } from './inputs.js';

/** What `--format` prints on stdout: `text` for a terminal, `markdown` or `json` to keep. */
export const OUTPUT_FORMATS = ['text', 'markdown', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The command line, read: the inputs under their action names, and the CLI's own flags. */
export interface CliArgs {
  inputs: Record<string, string>;
  format: OutputFormat;
  outDir: string | undefined;
  quiet: boolean;
  help: boolean;
  version: boolean;
}

/** What only the provider registry knows, shown in the help of `--provider` and `--api-token`. */
export interface RegistryHelp {
  /** The names `--provider` accepts. */
  providers: readonly string[];
  defaultProvider: string;
  /** The variables the token is read from when `--api-token` is not given, e.g. `A_TOKEN / B_KEY`. */
  tokenEnvs: string;
}

const SWITCHES: Readonly<Record<string, 'help' | 'version' | 'quiet'>> = {
  '--help': 'help',
  '-h': 'help',
  '--version': 'version',
  '--quiet': 'quiet',
  '-q': 'quiet',
};

const CLI_INPUTS: ReadonlySet<string> = new Set(CLI_INPUT_NAMES);

/** Parses `--name value` and `--name=value`; an unknown flag is a usage error naming it. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = {
    inputs: {},
    format: 'text',
    outDir: undefined,
    quiet: false,
    help: false,
    version: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const toggle = SWITCHES[arg];
    if (toggle !== undefined) {
      args[toggle] = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      throw new ConfigError(
        arg,
        'unexpected argument; flags are written --name value (see --help)',
      );
    }
    // Name first, value second: a mistyped switch (`--quite`) is unknown, not missing its value.
    refuseUnknown(flagName(arg));
    const flag = readFlag(argv, i);
    if (flag.tookNext) i += 1;
    setFlag(args, flag.name, flag.value);
  }
  return args;
}

/** Reads the flag at `argv[i]`: its value follows `=` or is the next argument. */
function readFlag(
  argv: readonly string[],
  i: number,
): { name: string; value: string; tookNext: boolean } {
  const arg = argv[i] as string;
  const eq = arg.indexOf('=');
  if (eq !== -1) return { name: arg.slice(2, eq), value: arg.slice(eq + 1), tookNext: false };
  const name = arg.slice(2);
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new ConfigError(name, 'needs a value');
  return { name, value, tookNext: true };
}

/** `--name=value` or `--name` → `name`. */
function flagName(arg: string): string {
  const eq = arg.indexOf('=');
  return eq === -1 ? arg.slice(2) : arg.slice(2, eq);
}

/** A usage error for a name that is not a value-taking flag, with the nearest flag as a hint. */
function refuseUnknown(name: string): void {
  if (name === 'format' || name === 'out-dir' || CLI_INPUTS.has(name)) return;
  if (name in INPUT_ROWS) {
    throw new ConfigError(
      name,
      'is an action input (comments, artifacts); the CLI has no such flag',
    );
  }
  const near = closestFlag(name);
  const hint = near === undefined ? 'see --help' : `did you mean --${near}? (see --help)`;
  throw new ConfigError(name, `is not a flag of batch-cost-gate; ${hint}`);
}

function setFlag(args: CliArgs, name: string, value: string): void {
  if (name === 'format') args.format = outputFormat(value);
  else if (name === 'out-dir') args.outDir = value;
  else args.inputs[name] = value;
}

/** Every flag the CLI takes, without its dashes: the table's CLI inputs and the CLI's own. */
const FLAG_NAMES: readonly string[] = [
  ...CLI_INPUT_NAMES,
  'format',
  'out-dir',
  ...Object.keys(SWITCHES)
    .filter((s) => s.startsWith('--'))
    .map((s) => s.slice(2)),
];

/**
 * The flag an unknown `name` was most likely meant to be: the nearest by edit distance, when it
 * is near enough to be a slip (a third of the name's letters at most) rather than another word.
 */
export function closestFlag(name: string): string | undefined {
  let best: { flag: string; distance: number } | undefined;
  for (const flag of FLAG_NAMES) {
    const distance = editDistance(name.toLowerCase(), flag);
    if (best === undefined || distance < best.distance) best = { flag, distance };
  }
  const allowed = Math.max(1, Math.floor(name.length / 3));
  return best !== undefined && best.distance <= allowed ? best.flag : undefined;
}

/**
 * The fewest inserted, deleted or replaced letters, or swapped neighbours, from `a` to `b`
 * (optimal string alignment): `quite` is one slip from `quiet`, not two.
 */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (d[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const same = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j - 1) + same, at(i - 1, j) + 1, at(i, j - 1) + 1);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

function outputFormat(value: string): OutputFormat {
  const format = OUTPUT_FORMATS.find((f) => f === value);
  if (format === undefined) {
    throw new ConfigError('format', `must be one of ${OUTPUT_FORMATS.join(', ')} (got '${value}')`);
  }
  return format;
}

/** One flag's help: the table's line, its default, and what the registry adds. */
function describeInput(name: InputName, registry: RegistryHelp): string {
  const row = INPUT_ROWS[name];
  // The provider names, their default and their token variables live in the registry, which
  // this room may not import; the CLI hands them in.
  if (name === 'provider') {
    return `${row.description}: ${registry.providers.join(', ')} [default: ${registry.defaultProvider}]`;
  }
  if (name === 'api-token') return `${row.description} (or env ${registry.tokenEnvs})`;
  return row.default === undefined
    ? row.description
    : `${row.description} [default: ${row.default}]`;
}

const OWN_FLAGS: readonly (readonly [string, string])[] = [
  [
    `--format <${OUTPUT_FORMATS.join('|')}>`,
    // Text also when stdout is a pipe or a file: a person reads it there too (`| less`), and a
    // program asks for json by name. Colour is what a terminal alone gets.
    'what to print on stdout: text (coloured on a terminal, not under NO_COLOR; also when piped), markdown or json [default: text]',
  ],
  ['--out-dir <dir>', 'also write the report files (report.json, report.md, …) here'],
  [
    '--quiet, -q',
    'print only the one-line decision on stdout (warnings and errors still go to stderr)',
  ],
  ['--help, -h', 'print this help'],
  ['--version', 'print the version'],
];

/** The `--help` text: every flag with its description and default. */
export function helpText(registry: RegistryHelp): string {
  const rows = [
    ...CLI_INPUT_NAMES.map((name) => [`--${name} <value>`, describeInput(name, registry)] as const),
    ...OWN_FLAGS,
  ];
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `${CLIENT_NAME} ${VERSION} — project what a paid AI batch will cost, and whether it may run.`,
    '',
    'Usage: batch-cost-gate --workflow-uuid <uuid> --record-count <n> [options]',
    '',
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
    '',
    'Exit codes: 0 pass or warn, 1 fail, 2 bad usage or the billing API could not be read.',
    '',
  ].join('\n');
}
