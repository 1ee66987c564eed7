import * as core from '@actions/core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicAuth } from './export/webhook.js';
import { setOutputs } from './github/outputs.js';
import { readRunMetadata } from './github/run-metadata.js';
import { whileWaitingOnNetwork } from './http/idle.js';
import { type Config, INPUT_NAMES, parseConfig, type RawInputs } from './inputs/config.js';
import type { Outcome } from './report/outcome.js';
import { describeError } from './shared/errors.js';
import type { Log } from './shared/log.js';
import { logSafe } from './shared/log-safety.js';

/**
 * Masks `webhook-headers` (and `pushgateway-headers`) whole, each comma-separated part whole and each header value: a value
 * may itself hold a comma (`X-Sig: k3y,Rest0fTheSecret`), so no split of ours may leave a piece
 * of it printable. Pieces under 4 characters are left alone: masking `a` would hide every `a`.
 */
function maskHeaderValues(raw: string): void {
  const pieces = [raw.trim()];
  for (const part of raw.split(',')) {
    pieces.push(part.trim(), part.slice(part.indexOf(':') + 1).trim());
  }
  for (const piece of new Set(pieces)) if (piece.length >= 4) core.setSecret(piece);
}

/** Reads every action input once, masking the secret ones before anything can print them. */
export function readActionInputs(): RawInputs {
  const inputs: Record<string, string> = {};
  for (const name of INPUT_NAMES) inputs[name] = core.getInput(name);
  for (const secret of ['api-token', 'github-token', 'webhook-url']) {
    const value = inputs[secret];
    if (value) core.setSecret(value);
  }
  maskHeaderValues(inputs['webhook-headers'] ?? '');
  maskHeaderValues(inputs['pushgateway-headers'] ?? '');
  // A URL's `user:pass@` become a Basic header (export/webhook.ts): mask the parts too.
  for (const name of ['webhook-url', 'pushgateway-url']) {
    const value = inputs[name] ?? '';
    if (!URL.canParse(value)) continue;
    for (const secret of basicAuth(new URL(value)).secrets) {
      if (secret.length >= 4) core.setSecret(secret);
    }
  }
  return inputs;
}

// `core.info` writes raw while `warning` and `debug` escape their data: every info line is made
// unable to start a workflow command, since it may quote an API, a file or a command's output.
export const actionLog: Log = {
  info: (m) => core.info(logSafe(m)),
  warning: (m) => core.warning(m),
  debug: (m) => core.debug(m),
};

let lateSignalsIgnored = false;

/** Installed once per process, so repeated in-process runs add no listeners. */
function ignoreLateSignals(): void {
  if (lateSignalsIgnored) return;
  lateSignalsIgnored = true;
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
}

/** A cancelled workflow run sends SIGINT then SIGTERM: turn both into an abort the gate obeys. */
function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: string) => () => {
    core.warning(`Received ${name}: stopping (a running batch is cancelled).`);
    controller.abort();
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    dispose() {
      // A signal that arrives after the gate has finished (the runner cancelling a job that is
      // already exiting) must not kill the process before it reports its own exit code.
      ignoreLateSignals();
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

/** Says what the report means where people look: the step's failure or an annotation. */
function announce(outcome: Outcome): void {
  const { kind, title } = outcome.annotation;
  const line = `Batch cost gate: ${outcome.heading.words} — ${outcome.message}`;
  if (kind === 'error') core.setFailed(line);
  else if (kind === 'warning') core.warning(outcome.message, { title });
  else if (kind === 'notice') core.notice(outcome.message, { title });
  else core.info(logSafe(line));
}

/**
 * The gate itself, loaded only once the inputs parse: a run refused for a bad input never
 * compiles the providers, the engine or the renderers (README "Performance", case B). Only what
 * sends the requests is loaded before them; what comes after the answers (publishing, the
 * renderers, ICU's number formats) is loaded while they are on the way (case A).
 */
async function gate(config: Config, signal: AbortSignal): Promise<void> {
  const [{ lookForBase }, pipeline] = await Promise.all([
    import('./pipeline/base-lookup.js'),
    import('./pipeline/run-gate.js'),
  ]);
  // Loaded while the first requests are out; a run that sends none loads it when it gets there.
  let later: ReturnType<typeof loadAfterAnswers> | undefined;
  whileWaitingOnNetwork(() => (later ??= loadAfterAnswers()));
  warmUpWhileWaiting();
  const run = readRunMetadata(process.env, new Date());
  // The base lookup ends with the gate (or an interrupt), so its sockets never hold the process.
  const lookupStop = new AbortController();
  const stop = AbortSignal.any([signal, lookupStop.signal]);
  try {
    const base = lookForBase(config, run, process.env, actionLog, undefined, stop);
    const prepared = await pipeline.prepareInputs(config);
    const provider = pipeline.createProvider(config, { log: actionLog, signal });
    const report = await pipeline.runGate(config, prepared, {
      provider,
      log: actionLog,
      run,
      base,
    });
    const [{ githubTargets }, { publish }, { outcomeOf }] = await (later ??= loadAfterAnswers());
    await publish(report, {
      reportDir: config.reportDir ?? join(process.env.RUNNER_TEMP ?? tmpdir(), 'cost-gate'),
      config,
      github: githubTargets(config, actionLog),
      log: actionLog,
    });
    announce(outcomeOf(report));
  } finally {
    lookupStop.abort();
  }
}

/** What the gate needs once the answers are in: publishing and the outcome. */
function loadAfterAnswers() {
  return Promise.all([
    import('./pipeline/github-targets.js'),
    import('./pipeline/publish.js'),
    import('./report/outcome.js'),
  ]);
}

/**
 * Work every decision does after its answers, done while the requests are out instead: the
 * report renderers load from their own chunks.
 */
function warmUpWhileWaiting(): void {
  whileWaitingOnNetwork(async () =>
    (await import('./export/report-files.js')).loadReportRenderers(),
  );
}

/** The action's entry: never throws; every failure ends in one `core.setFailed` line. */
export async function run(): Promise<void> {
  const interrupt = interruptSignal();
  try {
    const config = parseConfig(readActionInputs());
    if (config.mode === 'comment') {
      const { commentFromArtifact } = await import('./pipeline/comment-mode.js');
      return await commentFromArtifact(config, process.env, actionLog, interrupt.signal);
    }
    await gate(config, interrupt.signal);
  } catch (error) {
    // Outputs are set on every path, so a later step reads `unknown` rather than nothing.
    setOutputs({ decision: 'unknown' });
    core.setFailed(describeError(error));
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(error.stack);
  } finally {
    interrupt.dispose();
  }
}
