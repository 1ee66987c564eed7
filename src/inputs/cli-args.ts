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

function setFlag(args: CliArgs, name: string, value: string): void {
  if (name === 'format') args.format = outputFormat(value);
  else if (name === 'out-dir') args.outDir = value;
  else if (CLI_INPUTS.has(name)) args.inputs[name] = value;
  else if (name in INPUT_ROWS) {
    throw new ConfigError(
      name,
      'is an action input (comments, artifacts); the CLI has no such flag',
    );
  } else throw new ConfigError(name, 'is not a flag of batch-cost-gate; see --help');
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
  [`--format <${OUTPUT_FORMATS.join('|')}>`, 'what to print on stdout [default: text]'],
  ['--out-dir <dir>', 'also write the report files (report.json, report.md, …) here'],
  ['--quiet, -q', 'print nothing but warnings and errors'],
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
