import { describe, expect, it } from 'vitest';
import { runAction } from '../support/run-action.js';

// These run the committed bundle exactly as the runner would: a bad input must stop the
// action with a ::error:: naming the input, before any network call (api-url points nowhere).
const inputs = {
  'api-token': 'tok-e2e-config',
  'workflow-uuid': 'wf-1',
  'record-count': '10',
  'api-url': 'http://127.0.0.1:1',
};

describe('bundled action: configuration errors', () => {
  it('fails on record-count -5 naming record-count', async () => {
    const result = await runAction({ inputs: { ...inputs, 'record-count': '-5' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error::.*'record-count'/);
    expect(result.stdout).not.toMatch(/\n\s+at .*:\d+:\d+/);
  });

  it('fails without api-token naming api-token', async () => {
    const { 'api-token': _unused, ...rest } = inputs;
    const result = await runAction({ inputs: rest });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error::.*'api-token'/);
  });

  it('fails on a records-file that does not exist', async () => {
    const { 'record-count': _unused, ...rest } = inputs;
    const result = await runAction({ inputs: { ...rest, 'records-file': 'nope.csv' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error::.*'records-file'.*does not exist/);
  });
});
