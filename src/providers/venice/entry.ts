// Venice in the provider registry: a USD-equivalent balance, SKUs, a ledger to learn from.
import type { ProviderEntry } from '../registry.js';
import { VeniceClient } from './client.js';
import { modelNames } from './models.js';
import { VeniceSource } from './source.js';

export const VENICE: ProviderEntry = {
  id: 'venice',
  vocabulary: {
    provider: 'Venice',
    unit: 'USD',
    part: 'SKU',
    subject: 'scope',
    observation: 'billed request',
    executions: false,
    perRecordDecimals: 6,
  },
  defaultApiUrl: 'https://api.venice.ai/api/v1',
  tokenEnv: 'VENICE_API_KEY',
  tokenKind: 'a Venice ADMIN API key',
  sources: ['history', 'sample'],
  sampleHint: (say) =>
    `add ${say('sample-command')} (the command that processes the first ${say('sample-size')} records)`,
  runsSampleRecords: false,
  launches: false,
  checkSettings() {
    // Nothing beyond the common rules: every Venice setting has a working default.
  },
  subjectNameOf: (estimate) => modelNames(estimate.byNode),
  // The cost levers of Cargo's guide (nodes, executions, agents) do not apply to inference.
  advise: () => [],
  create(settings, context) {
    const client = new VeniceClient({
      apiUrl: settings.apiUrl,
      token: settings.apiToken,
      log: context.log,
      timeoutMs: settings.apiTimeoutMs,
      signal: context.signal,
      ...context.http,
    });
    return new VeniceSource({
      client,
      context,
      skuFilter: settings.skuFilter,
      requestsPerRecord: settings.requestsPerRecord,
      sampleCommand: settings.sampleCommand,
      recordsFile: settings.recordsFile,
      sampleSize: settings.sampleSize,
      ledgerSettleMs: settings.ledgerSettleSeconds * 1000,
    });
  },
};
