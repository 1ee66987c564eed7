// The command-line entry: the same settings as the action, as --flags, and the same engine.
import { hostname } from 'node:os';
import {
  type Config,
  DEFAULT_API_URLS,
  INPUT_DEFAULTS,
  INPUT_NAMES,
  parseConfig,
} from './inputs/config.js';
import { ConfigError, describeError, GateError } from './shared/errors.js';
import { writeReportFiles } from './export/report-files.js';
import { writeTextfileAtomically } from './export/textfile.js';
import { postWebhook } from './export/webhook.js';
import { renderJson } from './report/json.js';
import { renderPrometheus } from './report/prometheus.js';
import type { Log, Provider } from './providers/provider.js';
import { renderMarkdown } from './report/markdown.js';
import type { Report } from './report/report.js';
import { createProvider, prepareInputs, runGate } from './pipeline/run-gate.js';
import { CLIENT_NAME, VERSION } from './shared/version.js';

/** Exit codes: 0 pass or warn, 1 fail, 2 bad usage or a billing API that could not be read. */
export const EXIT = { ok: 0, fail: 1, usage: 2 } as const;

// Settings that only make sense inside GitHub Actions; the CLI does not offer them.
const ACTION_ONLY = new Set([
  'github-token',
  'comment',
  'comment-mode',
  'upload-artifact',
  'artifact-name',
  'retention-days',
  'report-dir',
]);

const HELP: Record<string, string> = {
  provider: 'billing backend: cargo or venice',
  'api-token': 'Cargo admin API token / Venice ADMIN key (or env CARGO_API_TOKEN / VENICE_API_KEY)',
  'api-url': `base URL (default ${DEFAULT_API_URLS.cargo} or ${DEFAULT_API_URLS.venice})`,
  'workspace-uuid': 'Cargo workspace, sent as selected-workspace-uuid',
  'workflow-uuid': 'Cargo workflow the batch will run (required for cargo)',
  'record-count': 'records in the batch (required unless --records-file)',
  'records-file': 'JSON array, NDJSON or CSV of the batch records',
  'estimate-from': 'history, sample, metrics or auto',
  'history-window-days': 'days back history and metrics look',
  'min-history-runs': 'fewest finished runs auto accepts as history',
  'sample-records': 'inline JSON array or file of the sample records',
  'sample-size': 'sample records to run',
  'max-sample-credits': 'cancel the sample once it has spent this much',
  'sample-timeout-minutes': 'cancel the sample after this long',
  budget: 'most credits the batch may spend',
  reserve: 'credits that must remain after the batch',
  confidence: 'one-sided confidence of the upper bound',
  'warn-threshold': 'share of the limit above which pass becomes warn',
  'on-exceed': 'fail (exit 1) or warn (exit 0) when over the limit',
  'on-api-error':
    'fail, warn or pass when the billing API cannot be read (the CLI exits 2 either way)',
  'prometheus-file': 'write metrics to this .prom file',
  'webhook-url': 'POST the JSON report here',
  'webhook-headers': 'extra webhook headers, "K1: V1, K2: V2"',
  'batch-data': 'JSON data of the Cargo batch to launch (segment, filter, recordIds, records)',
  'run-batch': 'launch the batch on a pass and watch it (true/false)',
  'hard-cap': 'cancel the launched batch at this spend (default: the limit)',
  detach: 'launch and leave the batch running (true/false)',
  'sample-command': 'Venice: shell command that runs the sample (gets SAMPLE_SIZE, RECORDS_FILE)',
  'ledger-settle-seconds': 'Venice: wait for the ledger after the sample command',
  'sku-filter': 'Venice: regular expression of the SKUs that count',
  'requests-per-record': 'Venice: API requests per record of the batch',
  'api-timeout-seconds': 'seconds one billing API request may take',
};

/** The `--help` text: every flag with its default. */
export function helpText(): string {
  const flags = INPUT_NAMES.filter((n) => !ACTION_ONLY.has(n));
  const rows: (readonly [string, string])[] = flags.map((name) => {
    const fallback = (INPUT_DEFAULTS as Record<string, string>)[name];
    return [
      `--${name} <value>`,
      `${HELP[name] ?? ''}${fallback === undefined ? '' : ` [default: ${fallback}]`}`,
    ] as const;
  });
  rows.push(['--format <markdown|json>', 'what to print on stdout [default: markdown]']);
  rows.push(['--out-dir <dir>', 'also write report.json and report.md here']);
  rows.push(['--quiet', 'print nothing but errors and the exit code']);
  rows.push(['--help, --version', '']);
  const width = Math.max(...rows.map(([f]) => f.length));
  return [
    `${CLIENT_NAME} ${VERSION} — project what a paid AI batch will cost, and whether it may run.`,
    '',
    'Usage: batch-cost-gate --workflow-uuid <uuid> --record-count <n> [options]',
    '',
    ...rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
    '',
    'Exit codes: 0 pass or warn, 1 fail, 2 bad usage or the billing API could not be read.',
    '',
  ].join('\n');
}

interface CliArgs {
  inputs: Record<string, string>;
  format: 'markdown' | 'json';
  outDir: string | undefined;
  quiet: boolean;
  help: boolean;
  version: boolean;
}

/** Parses `--name value` and `--name=value`; unknown flags are a usage error naming them. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const known = new Set(INPUT_NAMES.filter((n) => !ACTION_ONLY.has(n)));
  const args: CliArgs = {
    inputs: {},
    format: 'markdown',
    outDir: undefined,
    quiet: false,
    help: false,
    version: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--version') args.version = true;
    else if (arg === '--quiet' || arg === '-q') args.quiet = true;
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
      if (value === undefined) {
        value = argv[i + 1];
        if (value === undefined || value.startsWith('--'))
          throw new ConfigError(name, 'needs a value');
        i += 1;
      }
      if (name === 'format') {
        if (value !== 'markdown' && value !== 'json')
          throw new ConfigError('format', `must be markdown or json (got '${value}')`);
        args.format = value;
      } else if (name === 'out-dir') args.outDir = value;
      else if (known.has(name)) args.inputs[name] = value;
      else throw new ConfigError(name, `is not a flag of batch-cost-gate; see --help`);
    } else {
      throw new ConfigError(
        arg,
        'unexpected argument; flags are written --name value (see --help)',
      );
    }
  }
  return args;
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Test hook: the provider to use instead of one built from the settings. */
  provider?: (config: Config, log: Log) => Provider;
}

/** Runs the CLI; resolves to the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.stderr(`error: ${describeError(error)}\n`);
    return EXIT.usage;
  }
  if (args.help) {
    io.stdout(helpText());
    return EXIT.ok;
  }
  if (args.version) {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  const log: Log = {
    info: (m) => (args.quiet ? undefined : io.stderr(`${m}\n`)),
    warning: (m) => io.stderr(`warning: ${m}\n`),
    debug: (m) => (io.env.BATCH_COST_GATE_DEBUG ? io.stderr(`debug: ${m}\n`) : undefined),
  };
  try {
    const inputs = { ...args.inputs };
    if (!inputs['api-token']) {
      const fromEnv = inputs.provider === 'venice' ? io.env.VENICE_API_KEY : io.env.CARGO_API_TOKEN;
      if (fromEnv) inputs['api-token'] = fromEnv;
    }
    const config = parseConfig({ ...inputs, 'upload-artifact': 'false' });
    const prepared = await prepareInputs(config);
    const provider = io.provider ? io.provider(config, log) : createProvider(config, { log });
    const report = await runGate(config, prepared, {
      provider,
      signal: io.signal ?? new AbortController().signal,
      run: {
        repository: null,
        ref: null,
        sha: null,
        runId: null,
        runAttempt: null,
        runUrl: null,
        prNumber: null,
        eventName: `cli@${hostname()}`,
        time: new Date().toISOString(),
      },
    });
    const files = args.outDir ? await writeReportFiles(report, args.outDir) : undefined;
    if (config.prometheusFile) {
      await writeTextfileAtomically(config.prometheusFile, await renderPrometheus(report));
    }
    if (config.webhookUrl) {
      await postWebhook(config.webhookUrl, config.webhookHeaders, renderJson(report), log);
    }
    if (files) log.info(`Report files written to ${files.dir}.`);
    if (!args.quiet)
      io.stdout(args.format === 'json' ? renderJson(report) : renderMarkdown(report));
    return exitCode(report, log);
  } catch (error) {
    io.stderr(`error: ${describeError(error)}\n`);
    return error instanceof ConfigError || error instanceof GateError ? EXIT.usage : EXIT.fail;
  }
}

function exitCode(report: Report, log: Log): number {
  if (report.error) {
    log.warning(`could not check: ${report.error.message}`);
    return EXIT.usage;
  }
  if (report.decision === 'fail' && report.outcome === 'fail') return EXIT.fail;
  return EXIT.ok;
}
