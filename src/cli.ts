// The command-line entry: the same settings as the action, as --flags, the same pipeline and
// the same meaning of the result (`outcomeOf`); only how it is shown differs.
import { hostname } from 'node:os';
import { parseArgs, helpText, type CliArgs } from './inputs/cli-args.js';
import { parseConfig } from './inputs/config.js';
import { inputLabel } from './inputs/phrase.js';
import { publish } from './pipeline/publish.js';
import { createProvider, prepareInputs, runGate } from './pipeline/run-gate.js';
import type { Provider } from './providers/provider.js';
import { DEFAULT_PROVIDER, PROVIDER_IDS, providerEntry } from './providers/registry.js';
import { renderJson } from './report/json.js';
import { renderMarkdown } from './report/markdown.js';
import { outcomeOf } from './report/outcome.js';
import type { Report } from './report/report.js';
import { renderText, terminalSafe } from './report/text.js';
import type { Config } from './inputs/config.js';
import { ConfigError, describeError, GateError } from './shared/errors.js';
import type { Log } from './shared/log.js';
import { VERSION } from './shared/version.js';

/** Exit codes: 0 pass or warn, 1 fail or a launched batch stopped, 2 bad usage or could not check. */
export const EXIT = { ok: 0, fail: 1, usage: 2 } as const;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal: colour is used only there, and never under NO_COLOR. */
  isTTY?: boolean;
  signal?: AbortSignal;
  /** Test hook: the provider to use instead of one built from the settings. */
  provider?: (config: Config, log: Log) => Provider;
}

/** The CLI's help: every flag from the input table, with what only the registry knows. */
export function cliHelp(): string {
  return helpText({
    providers: PROVIDER_IDS,
    defaultProvider: DEFAULT_PROVIDER,
    tokenEnvs: PROVIDER_IDS.map((id) => providerEntry(id).tokenEnv).join(' / '),
  });
}

/** Runs the CLI; resolves to the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.stderr(`error: ${terminalSafe(cliMessage(error))}\n`);
    return EXIT.usage;
  }
  if (args.help) {
    io.stdout(cliHelp());
    return EXIT.ok;
  }
  if (args.version) {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  const log: Log = {
    // API and file text reaches these lines: no escape sequence may drive the terminal.
    info: (m) => (args.quiet ? undefined : io.stderr(`${terminalSafe(m)}\n`)),
    warning: (m) => io.stderr(`warning: ${terminalSafe(m)}\n`),
    debug: (m) =>
      io.env.BATCH_COST_GATE_DEBUG ? io.stderr(`debug: ${terminalSafe(m)}\n`) : undefined,
  };
  try {
    const report = await gate(args, io, log);
    const outcome = outcomeOf(report);
    const line = `${outcome.heading.icon} ${outcome.heading.words}: ${terminalSafe(outcome.message)}\n`;
    // --quiet prints the decision's one line where the report would have gone, and nothing else.
    if (args.quiet) io.stdout(line);
    else {
      io.stdout(render(report, args.format, io.isTTY === true && !io.env.NO_COLOR));
      io.stderr(line);
    }
    return outcome.cliExitCode;
  } catch (error) {
    io.stderr(`error: ${terminalSafe(cliMessage(error))}\n`);
    return error instanceof ConfigError || error instanceof GateError ? EXIT.usage : EXIT.fail;
  }
}

/** An error's line, a bad setting named as the flag the user typed (`--record-count: …`). */
function cliMessage(error: unknown): string {
  if (error instanceof ConfigError) return `${inputLabel(error.input, 'cli')}: ${error.problem}`;
  return describeError(error);
}

/** Settings → pipeline → published report, as the action does it, without GitHub. */
async function gate(args: CliArgs, io: CliIo, log: Log): Promise<Report> {
  const inputs = { ...args.inputs };
  const entry = providerEntry(inputs.provider);
  if (!inputs['api-token']) {
    const fromEnv = io.env[entry.tokenEnv];
    if (!fromEnv) {
      throw new ConfigError(
        'api-token',
        `is required: ${entry.tokenKind}; set ${entry.tokenEnv} or pass --api-token <token>`,
      );
    }
    inputs['api-token'] = fromEnv;
  }
  const config = parseConfig({ ...inputs, 'upload-artifact': 'false' }, 'cli');
  const prepared = await prepareInputs(config);
  const signal = io.signal ?? new AbortController().signal;
  const provider = io.provider ? io.provider(config, log) : createProvider(config, { log, signal });
  const report = await runGate(config, prepared, { provider, log, run: cliRun(), surface: 'cli' });
  await publish(report, { reportDir: args.outDir, config, log });
  return report;
}

function cliRun(): Report['run'] {
  return {
    repository: null,
    ref: null,
    sha: null,
    runId: null,
    runAttempt: null,
    runUrl: null,
    prNumber: null,
    eventName: `cli@${hostname()}`,
    time: new Date().toISOString(),
  };
}

function render(report: Report, format: CliArgs['format'], color: boolean): string {
  if (format === 'json') return renderJson(report);
  if (format === 'markdown') return renderMarkdown(report);
  return renderText(report, { color });
}
