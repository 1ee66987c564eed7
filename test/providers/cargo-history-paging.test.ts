// History reads its runs in one round trip (one page of the whole needed size), and falls back
// to paging, all pages at once, when the API serves shorter pages than asked.
import { afterEach, describe, expect, it } from 'vitest';
import { CargoClient } from '../../src/providers/cargo/client.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import { startTamperingProxy, type TamperingProxy } from './tampering-proxy.js';

const fixture = structuredClone(FIXTURE);
const wf = fixture.workflows[0]!;
wf.history = { runs: 250, days: 25 };

let emu: CargoEmulator | undefined;
let proxy: TamperingProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await emu?.close();
  proxy = undefined;
  emu = undefined;
});

function clientFor(url: string): CargoClient {
  return new CargoClient({
    apiUrl: url,
    token: fixture.tokens.admin,
    workspaceUuid: fixture.workspace.uuid,
  });
}

const filter = { workflowUuid: wf.uuid, statuses: ['success' as const, 'error' as const] };
const listed = (e: CargoEmulator) =>
  e.requests
    .filter((r) => r.route === 'runs-list')
    .map((r) => JSON.parse(r.body) as { limit: number; offset: number });

describe('CargoClient.listAllRuns', () => {
  it('reads 200 runs with one request for a page of 200', async () => {
    emu = await startCargoEmulator({ fixture });
    const runs = await clientFor(emu.url).listAllRuns(filter, { cap: 200, pageSize: 200 });
    expect(runs).toHaveLength(200);
    expect(listed(emu)).toEqual([expect.objectContaining({ limit: 200, offset: 0 })]);
  });

  it('pages on, with the size the API served, when it answers a shorter page than asked', async () => {
    emu = await startCargoEmulator({ fixture });
    proxy = await startTamperingProxy(emu.url);
    // A server-side page limit of 60: every runs page is cut to its first 60 runs.
    proxy.tamper((req, answer) => {
      if (!req.path.endsWith('/orchestration/runs/list')) return undefined;
      const body = answer.body as { runs: unknown[]; count: number };
      return { body: { ...body, runs: body.runs.slice(0, 60) } };
    });
    const runs = await clientFor(proxy.url).listAllRuns(filter, { cap: 200, pageSize: 200 });
    const uuids = runs.map((r) => r.uuid);
    expect(new Set(uuids).size).toBe(200);
    const pages = listed(emu);
    expect(pages[0]).toMatchObject({ limit: 200, offset: 0 });
    expect(pages.slice(1).map((p) => [p.offset, p.limit])).toEqual([
      [60, 60],
      [120, 60],
      [180, 20],
    ]);
    // The same runs, in the same order, as one unrestricted page.
    const direct = await clientFor(emu.url).listAllRuns(filter, { cap: 200, pageSize: 200 });
    expect(uuids).toEqual(direct.map((r) => r.uuid));
  });

  it('asks again with a page of 100 when the API refuses the larger page', async () => {
    emu = await startCargoEmulator({ fixture });
    proxy = await startTamperingProxy(emu.url);
    proxy.tamper((req) => {
      if (!req.path.endsWith('/orchestration/runs/list')) return undefined;
      const asked = listed(emu!).at(-1)!;
      return asked.limit > 100
        ? { status: 400, body: { message: 'limit must be at most 100' } }
        : undefined;
    });
    const runs = await clientFor(proxy.url).listAllRuns(filter, { cap: 200, pageSize: 200 });
    expect(new Set(runs.map((r) => r.uuid)).size).toBe(200);
    expect(listed(emu).map((p) => [p.offset, p.limit])).toEqual([
      [0, 200],
      [0, 100],
      [100, 100],
    ]);
  });

  it('counts a run once when a shift between pages brings it back on the next page', async () => {
    emu = await startCargoEmulator({ fixture });
    proxy = await startTamperingProxy(emu.url);
    let firstPage: unknown[] = [];
    proxy.tamper((req, answer) => {
      if (!req.path.endsWith('/orchestration/runs/list')) return undefined;
      const body = answer.body as { runs: unknown[]; count: number };
      const { offset } = listed(emu!).at(-1)!;
      if (offset === 0) {
        firstPage = body.runs.slice(0, 60);
        return { body: { ...body, runs: firstPage } };
      }
      // A new run pushed every later run one place down: this page starts with the last one
      // the first page already had.
      return { body: { ...body, runs: [firstPage.at(-1), ...body.runs.slice(0, 59)] } };
    });
    const runs = await clientFor(proxy.url).listAllRuns(filter, { cap: 200, pageSize: 200 });
    const uuids = runs.map((r) => r.uuid);
    expect(new Set(uuids).size).toBe(uuids.length);
    expect(uuids.length).toBeLessThan(200);
  });

  it('stops at the runs that exist when fewer than the cap match', async () => {
    emu = await startCargoEmulator({ fixture });
    const runs = await clientFor(emu.url).listAllRuns(filter, { cap: 1000, pageSize: 1000 });
    expect(runs.length).toBeLessThan(1000);
    expect(listed(emu)).toHaveLength(1);
  });
});
