// The one meaning of a report, as a table: decision × on-exceed × on-api-error × the launched
// batch's fate. Both shells apply exactly this, so this table is what the action and CLI do.
import { describe, expect, it } from 'vitest';
import type { Receipt } from '../../src/engine/receipt.js';
import { type OutcomeInput, outcomeOf } from '../../src/report/outcome.js';
import { CARGO_WORDS, DEFAULT_SETTINGS } from '../support/report-fixtures.js';

const settings = DEFAULT_SETTINGS;
const vocabulary = CARGO_WORDS;

function receipt(over: Partial<Receipt>): Receipt {
  return {
    batchUuid: 'batch-1',
    status: 'success',
    stopped: null,
    detached: false,
    runsCount: 100,
    executedRuns: 100,
    failedRuns: 0,
    actual: 40,
    hardCap: 50,
    byNode: [],
    durationMs: 1000,
    estimated: 40,
    estimatedUpper: 45,
    actualPerRecord: 0.4,
    estimatedPerRecord: 0.4,
    errorShare: 0,
    diverged: false,
    boundHeld: true,
    explanations: [],
    ...over,
  };
}

function input(
  over: Partial<OutcomeInput> & {
    onExceed?: 'fail' | 'warn';
    onApiError?: 'fail' | 'warn' | 'pass';
  },
): OutcomeInput {
  const { onExceed = 'fail', onApiError = 'fail', ...rest } = over;
  return {
    decision: 'pass',
    reasons: ['Projected 40 credits fits the budget of 100 credits with 60 to spare.'],
    error: null,
    receipt: null,
    settings: { ...settings, onExceed, onApiError },
    vocabulary,
    ...rest,
  };
}

const apiError = { kind: 'server', message: 'Cargo API answered 503' };

// [case, input, action exit, CLI exit, annotation, heading words]
const TABLE: [string, OutcomeInput, 0 | 1, 0 | 1 | 2, string, string][] = [
  ['pass', input({}), 0, 0, 'none', 'pass'],
  ['warn', input({ decision: 'warn' }), 0, 0, 'warning', 'warn'],
  ['warn, on-exceed warn', input({ decision: 'warn', onExceed: 'warn' }), 0, 0, 'warning', 'warn'],
  ['fail, on-exceed fail', input({ decision: 'fail' }), 1, 1, 'error', 'fail'],
  [
    'fail, on-exceed warn',
    input({ decision: 'fail', onExceed: 'warn' }),
    0,
    0,
    'warning',
    'fail (on-exceed: warn)',
  ],
  [
    'unknown, on-api-error fail',
    input({ decision: 'unknown', error: apiError }),
    1,
    2,
    'error',
    'could not check',
  ],
  [
    'unknown, on-api-error warn',
    input({ decision: 'unknown', error: apiError, onApiError: 'warn' }),
    0,
    2,
    'warning',
    'could not check',
  ],
  [
    'unknown, on-api-error pass',
    input({ decision: 'unknown', error: apiError, onApiError: 'pass' }),
    0,
    2,
    'notice',
    'could not check',
  ],
  [
    'no estimate, on-api-error pass (fails closed)',
    input({
      decision: 'unknown',
      error: { kind: 'estimate', message: 'no runs' },
      onApiError: 'pass',
    }),
    1,
    2,
    'error',
    'could not check',
  ],
  [
    'interrupted sample, on-api-error pass (fails closed)',
    input({
      decision: 'unknown',
      error: { kind: 'cancelled', message: 'interrupted' },
      onApiError: 'pass',
    }),
    1,
    2,
    'error',
    'could not check',
  ],
  ['run-batch finished', input({ receipt: receipt({}) }), 0, 0, 'none', 'pass — batch finished'],
  [
    'run-batch detached',
    input({ receipt: receipt({ detached: true, status: 'running' }) }),
    0,
    0,
    'none',
    'pass — batch launched',
  ],
  [
    'run-batch ended in error',
    input({ receipt: receipt({ status: 'error' }) }),
    0,
    0,
    'warning',
    'batch ended in error',
  ],
  [
    'run-batch stopped at the hard cap',
    input({
      receipt: receipt({
        stopped: 'hard-cap',
        status: 'cancelled',
        executedRuns: 60,
        actual: 50.5,
      }),
    }),
    1,
    1,
    'error',
    'stopped at hard cap',
  ],
  [
    'run-batch stopped at the hard cap, on-exceed warn',
    input({
      decision: 'warn',
      onExceed: 'warn',
      receipt: receipt({ stopped: 'hard-cap', status: 'cancelled' }),
    }),
    1,
    1,
    'error',
    'stopped at hard cap',
  ],
  [
    'run-batch stopped at the batch timeout',
    input({ receipt: receipt({ stopped: 'timeout', status: 'cancelled' }) }),
    1,
    1,
    'error',
    'stopped at batch timeout',
  ],
  [
    'run-batch whose watch failed and was cancelled',
    input({ receipt: receipt({ stopped: 'watch-failed', status: 'cancelled' }) }),
    1,
    1,
    'error',
    'stopped: could not be watched',
  ],
  [
    'run-batch interrupted',
    input({ receipt: receipt({ stopped: 'interrupted', status: 'cancelled' }) }),
    1,
    1,
    'error',
    'stopped: job interrupted',
  ],
  [
    'run-batch could not be watched',
    input({
      error: { kind: 'server', message: 'Could not read batch batch-1; it was cancelled.' },
      receipt: receipt({ status: 'running' }),
    }),
    1,
    1,
    'error',
    'batch could not be watched',
  ],
  [
    'run-batch could not be launched',
    input({ error: { kind: 'request', message: 'Workflow has no active release' } }),
    1,
    1,
    'error',
    'batch could not be launched',
  ],
];

describe('outcomeOf', () => {
  it.each(TABLE)('%s', (_name, report, action, cli, annotation, words) => {
    const outcome = outcomeOf(report);
    expect(outcome.actionExitCode).toBe(action);
    expect(outcome.cliExitCode).toBe(cli);
    expect(outcome.annotation.kind).toBe(annotation);
    expect(outcome.heading.words).toBe(words);
    expect(outcome.message.length).toBeGreaterThan(0);
  });

  it('never shows ✅ or "fits the budget" for a batch stopped at the hard cap', () => {
    const outcome = outcomeOf(
      input({
        receipt: receipt({
          stopped: 'hard-cap',
          status: 'cancelled',
          executedRuns: 60,
          actual: 50.5,
        }),
      }),
    );
    expect(outcome.heading.icon).not.toBe('✅');
    expect(outcome.message).not.toContain('fits');
    expect(outcome.message).toContain('batch-1');
    expect(outcome.message).toContain('hard cap of 50 credits');
    expect(outcome.message).toContain('60 of 100 records');
  });

  it('says what could not be checked, with the API message', () => {
    const outcome = outcomeOf(
      input({
        decision: 'unknown',
        error: apiError,
        reasons: ['The gate could not read the Cargo API (server).'],
      }),
    );
    expect(outcome.message).toBe('Cargo API answered 503');
    expect(outcome.annotation.title).toBe('Batch cost gate could not check');
  });
});
