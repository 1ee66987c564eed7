import * as core from '@actions/core';
import { INPUT_NAMES, parseConfig, type RawInputs } from './config.js';
import { describeError } from './errors.js';
import { readRecordsFile } from './records-file.js';

/** Reads every action input once, masking the secret ones before anything can print them. */
export function readActionInputs(): RawInputs {
  const inputs: Record<string, string> = {};
  for (const name of INPUT_NAMES) inputs[name] = core.getInput(name);
  for (const secret of ['api-token', 'github-token']) {
    const value = inputs[secret];
    if (value) core.setSecret(value);
  }
  return inputs;
}

/** The action's entry: never throws; every failure ends in one `core.setFailed` line. */
export async function run(): Promise<void> {
  try {
    const config = parseConfig(readActionInputs());
    const records =
      config.recordsFile === undefined
        ? undefined
        : await readRecordsFile(config.recordsFile, config.sampleSize);
    core.info(
      `batch-cost-gate: ${config.provider}, ${config.recordCount ?? records?.count} records`,
    );
  } catch (error) {
    core.setFailed(describeError(error));
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(error.stack);
  }
}
