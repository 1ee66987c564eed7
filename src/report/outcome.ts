// What a report means for the job: the one place that turns a report into an exit code, an
// annotation, a heading and a one-line message. The action and the CLI only apply it.
// It lives in the report room (not pipeline/) because the renderers draw their heading from it.
import type { Receipt } from '../engine/receipt.js';
import type { Report } from './report.js';
import { groupedNumber } from '../shared/grouped-number.js';

/** How the runner is told: fail the step, annotate it, or say nothing special. */
export type AnnotationKind = 'error' | 'warning' | 'notice' | 'none';

export interface Outcome {
  /** Exit code of the action's process: 1 fails the step. */
  actionExitCode: 0 | 1;
  /** Exit code of the CLI: 0 pass or warn, 1 fail or a batch stopped, 2 could not check. */
  cliExitCode: 0 | 1 | 2;
  annotation: { kind: AnnotationKind; title: string };
  /** What the heading of every rendering shows. */
  heading: { icon: string; words: string };
  /** One line for the step's failure, the annotation, or the CLI's last line. */
  message: string;
}

/** The parts of a report its meaning depends on. */
export type OutcomeInput = Pick<
  Report,
  'decision' | 'reasons' | 'error' | 'receipt' | 'settings' | 'vocabulary'
>;

const TITLE = 'Batch cost gate';

/** What the report means for the job. Pure; covers every decision, policy and batch state. */
export function outcomeOf(report: OutcomeInput): Outcome {
  if (report.error && report.decision !== 'unknown') return launchFailed(report);
  if (report.error) return couldNotCheck(report);
  const r = report.receipt;
  if (r?.stopped) return stopped(r, report);
  if (report.decision === 'fail') {
    const failJob = report.settings.onExceed === 'fail';
    return {
      actionExitCode: failJob ? 1 : 0,
      cliExitCode: failJob ? 1 : 0,
      annotation: { kind: failJob ? 'error' : 'warning', title: `${TITLE} — fail` },
      heading: { icon: '❌', words: failJob ? 'fail' : 'fail (on-exceed: warn)' },
      message: report.reasons.join(' '),
    };
  }
  if (r && !r.detached && r.status === 'error') {
    return passed(report, 'warning', { icon: '⚠️', words: 'batch ended in error' });
  }
  if (report.decision === 'warn') {
    return passed(report, 'warning', { icon: '⚠️', words: 'warn' });
  }
  if (r?.detached) return passed(report, 'none', { icon: '✅', words: 'pass — batch launched' });
  if (r) return passed(report, 'none', { icon: '✅', words: 'pass — batch finished' });
  return passed(report, 'none', { icon: '✅', words: 'pass' });
}

function passed(
  report: OutcomeInput,
  kind: 'warning' | 'none',
  heading: Outcome['heading'],
): Outcome {
  return {
    actionExitCode: 0,
    cliExitCode: 0,
    annotation: { kind, title: `${TITLE} — ${heading.words}` },
    heading,
    message: report.reasons.join(' '),
  };
}

// Failures that are not an unreadable API: `on-api-error` does not forgive them (fail closed).
const UNFORGIVABLE = new Set(['estimate', 'cancelled', 'config']);

/** No estimate or no balance: only an unreadable API may be let through, by `on-api-error`. */
function couldNotCheck(report: OutcomeInput): Outcome {
  const kind = report.error?.kind ?? 'estimate';
  const policy = UNFORGIVABLE.has(kind) ? 'fail' : report.settings.onApiError;
  const annotation: AnnotationKind =
    policy === 'fail' ? 'error' : policy === 'warn' ? 'warning' : 'notice';
  return {
    actionExitCode: policy === 'fail' ? 1 : 0,
    cliExitCode: 2,
    annotation: { kind: annotation, title: `${TITLE} could not check` },
    heading: { icon: '❔', words: 'could not check' },
    // The heading says "could not check"; the API's own message says why.
    message: report.error?.message ?? firstReason(report),
  };
}

/** A batch the gate launched could not be launched or watched: always a failure, money is at stake. */
function launchFailed(report: OutcomeInput): Outcome {
  const words = report.receipt?.batchUuid
    ? 'batch could not be watched'
    : 'batch could not be launched';
  return {
    actionExitCode: 1,
    cliExitCode: 1,
    annotation: { kind: 'error', title: `${TITLE} — ${words}` },
    heading: { icon: '❌', words },
    message: report.error?.message ?? firstReason(report),
  };
}

/** Heading words and the "why" of each way the gate stops a batch it launched. */
const STOPS: Record<
  NonNullable<Receipt['stopped']>,
  { words: string; why: (r: Receipt, unit: string) => string }
> = {
  'hard-cap': {
    words: 'stopped at hard cap',
    why: (r, unit) => `was cancelled at the hard cap of ${plain(r.hardCap)} ${unit}`,
  },
  timeout: {
    words: 'stopped at batch timeout',
    why: () => 'was cancelled when batch-timeout-minutes ran out',
  },
  interrupted: {
    words: 'stopped: job interrupted',
    why: () => 'was cancelled because the job was interrupted',
  },
  'watch-failed': {
    words: 'stopped: could not be watched',
    why: () => 'was cancelled because its progress could not be read',
  },
};

/** The gate cancelled the batch it launched: the step fails, and says why. */
function stopped(r: Receipt, report: OutcomeInput): Outcome {
  const stop = STOPS[r.stopped ?? 'interrupted'];
  const unit = report.vocabulary.unit;
  return {
    actionExitCode: 1,
    cliExitCode: 1,
    annotation: { kind: 'error', title: `${TITLE} — ${stop.words}` },
    heading: { icon: '🛑', words: stop.words },
    message: `Batch ${r.batchUuid} ${stop.why(r, unit)} after ${r.executedRuns} of ${r.runsCount} records, having spent ${plain(r.actual)} ${unit}.`,
  };
}

function firstReason(report: OutcomeInput): string {
  return report.reasons[0] ?? '';
}

const plain = (n: number) => groupedNumber(n, 0, 2);
