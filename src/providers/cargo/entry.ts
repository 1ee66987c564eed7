// Cargo in the provider registry: credits, nodes, a 0.01 charge per execution, batches it can launch.
import { ConfigError } from '../../shared/errors.js';
import type { ProviderEntry } from '../registry.js';
import { adviseCargoLevers } from './advice.js';
import { CargoClient } from './client.js';
import { lookUpWorkflowName } from './names.js';
import { CargoSource } from './source.js';

export const CARGO: ProviderEntry = {
  id: 'cargo',
  vocabulary: {
    provider: 'Cargo',
    unit: 'credits',
    part: 'node',
    subject: 'workflow',
    observation: 'finished run',
    executions: true,
    perRecordDecimals: 4,
  },
  defaultApiUrl: 'https://api.getcargo.io',
  tokenEnv: 'CARGO_API_TOKEN',
  tokenKind: 'a Cargo API token with admin access to the workspace',
  sources: ['history', 'sample', 'metrics'],
  sampleHint: (say) =>
    `add ${say('sample-records')} (inline JSON array or a file) or ${say('records-file')}`,
  runsSampleRecords: true,
  launches: true,
  checkSettings(settings) {
    if (settings.workflowUuid === undefined) {
      throw new ConfigError(
        'workflow-uuid',
        'is required for provider cargo: the workflow the batch will run',
      );
    }
  },
  advise: adviseCargoLevers,
  create(settings, context) {
    const client = new CargoClient({
      apiUrl: settings.apiUrl,
      token: settings.apiToken,
      workspaceUuid: settings.workspaceUuid,
      timeoutMs: settings.apiTimeoutMs,
      signal: context.signal,
      ...context.http,
      onRetry: (info) =>
        context.log.info(
          `Retrying ${info.endpoint} in ${Math.round(info.delayMs)} ms (attempt ${info.attempt}): ${info.reason}`,
        ),
    });
    const workflowUuid = settings.workflowUuid ?? '';
    const source = new CargoSource({ client, workflowUuid, context });
    // The name is the entry's to add: the source reads costs, the look-up only labels them.
    return Object.assign(source, {
      subjectName: (signal: AbortSignal) =>
        lookUpWorkflowName(client, workflowUuid, signal, context.log),
    });
  },
};
