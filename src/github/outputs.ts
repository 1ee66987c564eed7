import * as core from '@actions/core';

/** Every output of the interface table, so a later step never reads an unset one. */
export const OUTPUT_NAMES = [
  'decision',
  'projected-credits',
  'projected-credits-upper',
  'credits-per-record',
  'remaining-credits',
  'limit-credits',
  'headroom-credits',
  'estimate-source',
  'sample-size-used',
  'report-json',
  'comment-url',
  'artifact-id',
  'batch-uuid',
  'actual-credits',
  'batch-status',
  'base-projected-credits',
  'diff-credits',
  'diff-percent',
] as const;

/** Sets all step outputs; names without a value are set to ''. */
export function setOutputs(values: Partial<Record<(typeof OUTPUT_NAMES)[number], string>>): void {
  for (const name of OUTPUT_NAMES) core.setOutput(name, values[name] ?? '');
}
