// The provider-specific rules on the settings, which the registry owns: parseConfig reads every
// input the same way for every provider, and checkProviderSettings applies what the named
// provider needs, before any network call.
import { describe, expect, it } from 'vitest';
import { parseConfig, type RawInputs } from '../../src/inputs/config.js';
import {
  checkProviderSettings,
  DEFAULT_PROVIDER,
  PROVIDER_IDS,
} from '../../src/providers/registry.js';
import { ConfigError } from '../../src/shared/errors.js';

function check(inputs: RawInputs) {
  return checkProviderSettings(parseConfig(inputs));
}

function refusal(inputs: RawInputs): ConfigError {
  try {
    check(inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const cargo = { 'api-token': 't', 'workflow-uuid': 'wf', 'record-count': '5' };
const venice = { provider: 'venice', 'api-token': 't', 'record-count': '5' };

describe('checkProviderSettings(parseConfig(…))', () => {
  it('uses the default provider when provider is unset', () => {
    expect(check(cargo).id).toBe(DEFAULT_PROVIDER);
    expect(check({ ...cargo, provider: '' }).id).toBe(DEFAULT_PROVIDER);
  });

  it('accepts every registered provider, in any case and with spaces around it', () => {
    expect(check({ ...venice, provider: ' VENICE ' }).id).toBe('venice');
    expect(check({ ...cargo, provider: 'Cargo' }).id).toBe('cargo');
  });

  it('refuses an unknown provider, naming provider and what it accepts', () => {
    const error = refusal({ ...cargo, provider: 'openai' });
    expect(error.input).toBe('provider');
    expect(error.message).toContain('openai');
    for (const id of PROVIDER_IDS) expect(error.message).toContain(id);
  });

  it.each([
    ['cargo', cargo, /Cargo API token/],
    ['venice', venice, /Venice ADMIN API key/],
  ])('requires api-token for %s, saying what kind of token', (_, inputs, kind) => {
    const { 'api-token': _token, ...rest } = inputs;
    const error = refusal(rest);
    expect(error.input).toBe('api-token');
    expect(error.message).toMatch(kind);
  });

  it('requires workflow-uuid for cargo but not for venice', () => {
    const { 'workflow-uuid': _wf, ...noWorkflow } = cargo;
    expect(refusal(noWorkflow).input).toBe('workflow-uuid');
    expect(refusal(noWorkflow).message).toContain('the workflow the batch will run');
    expect(check(venice).id).toBe('venice');
  });

  it('gives each provider its own default URL when api-url is empty', () => {
    expect(check(cargo).defaultApiUrl).toBe('https://api.getcargo.io');
    expect(check(venice).defaultApiUrl).toBe('https://api.venice.ai/api/v1');
    expect(parseConfig({ ...venice, 'api-url': 'http://127.0.0.1:9/' }).apiUrl).toBe(
      'http://127.0.0.1:9',
    );
  });

  it('refuses an estimate source the provider does not offer', () => {
    const error = refusal({ ...venice, 'estimate-from': 'metrics' });
    expect(error.input).toBe('estimate-from');
    expect(error.message).toMatch(/history, sample, auto/);
    expect(check({ ...cargo, 'estimate-from': 'metrics' }).id).toBe('cargo');
  });

  it('lets run-batch launch only for a provider that launches batches', () => {
    const batch = { 'batch-data': '{"kind":"segment","segmentUuid":"s"}', 'run-batch': 'true' };
    expect(check({ ...cargo, ...batch }).launches).toBe(true);
    const error = refusal({ ...venice, ...batch });
    expect(error.input).toBe('run-batch');
    expect(error.message).toContain('cargo');
  });

  it('checks the generic rules first: they hold whatever the provider', () => {
    expect(() => check({ provider: 'openai', 'api-token': 't' })).toThrow(/'record-count'/);
  });
});
