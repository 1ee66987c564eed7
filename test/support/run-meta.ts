import type { RunMetadata } from '../../src/report/report.js';

/** Run metadata of a gate that runs outside GitHub, at a fixed time. */
export const LOCAL_RUN: RunMetadata = {
  repository: null,
  ref: null,
  sha: null,
  runId: null,
  runAttempt: null,
  runUrl: null,
  prNumber: null,
  eventName: null,
  time: '2026-11-22T00:00:00.000Z',
};
