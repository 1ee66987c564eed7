// The subject's human name: Cargo's from the plays and tools lists (in the SDK's wire format,
// one request each, never waited for by the decision), Venice's from the models of its SKUs.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/inputs/config.js';
import { createProvider, prepareInputs, runGate } from '../../src/pipeline/run-gate.js';
import { NAME_LOOK_UP_MS, startNameLookUp } from '../../src/pipeline/subject-name.js';
import type { Provider } from '../../src/providers/provider.js';
import { CargoClient } from '../../src/providers/cargo/client.js';
import { lookUpWorkflowName } from '../../src/providers/cargo/names.js';
import { modelNames, modelOfSku } from '../../src/providers/venice/models.js';
import type { Log } from '../../src/shared/log.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import { ADMIN_KEY, startVeniceEmulator } from '../emulators/venice/server.js';
import { LOCAL_RUN } from '../support/run-meta.js';

const [ENRICH, ROUTE] = FIXTURE.workflows as [
  (typeof FIXTURE.workflows)[0],
  (typeof FIXTURE.workflows)[0],
];

let emu: CargoEmulator;
const said: string[] = [];
const log: Log = {
  info: (m) => said.push(`info: ${m}`),
  warning: (m) => said.push(`warning: ${m}`),
  debug: (m) => said.push(`debug: ${m}`),
};
beforeEach(async () => {
  emu = await startCargoEmulator();
  said.length = 0;
});
afterEach(async () => emu.close());

const client = () => new CargoClient({ apiUrl: emu.url, token: FIXTURE.tokens.admin, retries: 0 });
const lookUp = (uuid: string) =>
  lookUpWorkflowName(client(), uuid, new AbortController().signal, log);

describe('Cargo workflow names', () => {
  it('reads the plays and tools lists as the SDK sends and the service answers them', async () => {
    const plays = await client().listPlays();
    const tools = await client().listTools();
    expect(plays).toContainEqual({ workflowUuid: ENRICH.uuid, name: 'Enrich inbound leads' });
    expect(tools).toEqual([{ workflowUuid: ROUTE.uuid, name: 'Route accounts to owners' }]);
    const sent = emu.requests.map((r) => `${r.method} ${r.url}`);
    expect(sent).toEqual(['GET /v1/orchestration/plays/list', 'GET /v1/orchestration/tools/list']);
  });

  it("names a play's workflow and a tool's workflow, and nothing else", async () => {
    expect(await lookUp(ENRICH.uuid)).toBe('Enrich inbound leads');
    expect(await lookUp(ROUTE.uuid)).toBe('Route accounts to owners');
    expect(await lookUp('wf-no-such-workflow')).toBeNull();
    expect(said).toEqual([]);
  });

  it('answers from the list that names it when the other fails', async () => {
    emu.inject('plays-list', { kind: 'status', status: 500, body: '{"errorMessage":"boom"}' });
    expect(await lookUp(ROUTE.uuid)).toBe('Route accounts to owners');
  });

  it('costs one debug line per unreadable list, never a warning', async () => {
    emu.inject('plays-list', { kind: 'status', status: 500, body: '{"errorMessage":"boom"}' });
    emu.inject('tools-list', { kind: 'malformed' });
    expect(await lookUp(ENRICH.uuid)).toBeNull();
    expect(said).toHaveLength(2);
    expect(said.every((line) => line.startsWith('debug: Could not read the '))).toBe(true);
  });
});

describe('the name and the decision', () => {
  const gate = async () => {
    const config = parseConfig({
      'api-url': emu.url,
      'api-token': FIXTURE.tokens.admin,
      'workflow-uuid': ENRICH.uuid,
      'record-count': '100',
    });
    const provider = createProvider(config, { log });
    return runGate(config, await prepareInputs(config), { provider, log, run: LOCAL_RUN });
  };

  it('decides and reports by UUID while both name lists hang', async () => {
    // A lookup the decision waited for would never end: the test would time out.
    emu.inject('plays-list', { kind: 'hang' });
    emu.inject('tools-list', { kind: 'hang' });
    const report = await gate();
    expect(report.decision).toBe('pass');
    expect(report.subject).toBe(ENRICH.uuid);
    expect(report.subjectName).toBeNull();
    const routes = emu.requests.map((r) => r.route);
    // Both look-ups went out with the first reads, before the history's last page was asked for.
    expect(routes.filter((r) => r === 'plays-list' || r === 'tools-list')).toHaveLength(2);
    expect(routes.indexOf('plays-list')).toBeLessThan(routes.lastIndexOf('runs-list'));
    expect(routes.indexOf('tools-list')).toBeLessThan(routes.lastIndexOf('runs-list'));
    expect(said.filter((l) => !l.startsWith('debug: '))).not.toContainEqual(
      expect.stringMatching(/plays|tools|name/),
    );
  });

  it("names the workflow by its play's name when the lists answer", async () => {
    const report = await gate();
    expect(report.subjectName).toBe('Enrich inbound leads');
    expect(emu.requests.filter((r) => r.route === 'plays-list')).toHaveLength(1);
    expect(emu.requests.filter((r) => r.route === 'tools-list')).toHaveLength(1);
  });
});

describe('Venice model names', () => {
  it('names the models a Venice history billed', async () => {
    const venice = await startVeniceEmulator({ historyRequests: 60 });
    try {
      const config = parseConfig({
        provider: 'venice',
        'api-url': venice.url,
        'api-token': ADMIN_KEY,
        'record-count': '10',
      });
      const provider = createProvider(config, { log });
      const report = await runGate(config, await prepareInputs(config), {
        provider,
        log,
        run: LOCAL_RUN,
      });
      expect(report.subject).toBe('all inference');
      expect(report.subjectName?.split(', ').sort()).toEqual(['llama-3.3-70b', 'qwen3-235b']);
    } finally {
      await venice.close();
    }
  });

  it.each([
    ['llama-3.3-70b-llm-input-mtoken', 'llama-3.3-70b'],
    ['qwen3-235b-llm-output-mtoken', 'qwen3-235b'],
    ['venice-sd35-image-unit', 'venice-sd35'],
    ['some-flat-fee', 'some-flat-fee'],
  ])('reads the model of %s as %s', (sku, model) => {
    expect(modelOfSku(sku)).toBe(model);
  });

  it('lists each model once, the costliest first, and says how many more past three', () => {
    const line = (key: string, total: number) => ({ key, total });
    expect(
      modelNames([
        line('qwen3-235b-llm-output-mtoken', 0.002),
        line('llama-3.3-70b-llm-output-mtoken', 0.0015),
        line('llama-3.3-70b-llm-input-mtoken', 0.001),
        line('qwen3-235b-llm-input-mtoken', 0.0001),
      ]),
    ).toBe('llama-3.3-70b, qwen3-235b');
    expect(
      modelNames(['a', 'b', 'c', 'd', 'e'].map((m, i) => line(`${m}-llm-input-mtoken`, 5 - i))),
    ).toBe('a, b, c and 2 more');
    expect(modelNames([])).toBeNull();
  });
});

describe('the name look-up', () => {
  afterEach(() => vi.useRealTimers());

  it('gives up a hanging look-up after its deadline, freeing its requests', async () => {
    vi.useFakeTimers();
    let seen: AbortSignal | undefined;
    const provider = {
      subjectName: (signal: AbortSignal) => {
        seen = signal;
        return new Promise<string | null>(() => undefined);
      },
    } as unknown as Provider;
    const lookUp = startNameLookUp(provider);
    await vi.advanceTimersByTimeAsync(NAME_LOOK_UP_MS - 1);
    expect(seen?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen?.aborted).toBe(true);
    expect(lookUp.current()).toBeNull();
  });
});
