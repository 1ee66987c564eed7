// A page of runs, checked by hand. A history decision reads one page of 200 runs (~1,000
// executions, ~770 kB of JSON) the moment its answers arrive, and zod's generic object parser
// spends ~14 ms of a cold process on it, with as much again in garbage collection (README
// "Performance"). This checks the same fields the same way and builds the same output; whatever
// it does not accept goes to the zod schema (`runsListAnswer`), which then names the field that
// drifted exactly as before. test/providers/cargo-run-page.test.ts pins the two together.
import type { Execution, Run } from './schemas.js';
import { RUN_STATUSES } from './schemas.js';

type Fields = Record<string, unknown>;

const STATUSES: ReadonlySet<string> = new Set(RUN_STATUSES);

const isFields = (v: unknown): v is Fields =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets `key` on `out` as zod's `.nullish()` does: absent stays absent, null stays null. */
function nullishString(input: Fields, out: Fields, key: string, minLength = 0): boolean {
  if (!(key in input)) return true;
  const v = input[key];
  if (v === null || v === undefined) {
    out[key] = v;
    return true;
  }
  if (typeof v !== 'string' || v.length < minLength) return false;
  out[key] = v;
  return true;
}

function execution(input: unknown): Execution | undefined {
  if (!isFields(input)) return undefined;
  const { nodeUuid, nodeSlug, nodeKind, creditsUsedCount } = input;
  if (typeof nodeUuid !== 'string' || typeof nodeSlug !== 'string') return undefined;
  if (typeof nodeKind !== 'string') return undefined;
  if (typeof creditsUsedCount !== 'number' || !Number.isFinite(creditsUsedCount)) return undefined;
  if (!(creditsUsedCount >= 0)) return undefined;
  const out: Fields = { nodeUuid, nodeSlug, nodeKind, creditsUsedCount };
  if (!nullishString(input, out, 'nodeActionSlug')) return undefined;
  if (!nullishString(input, out, 'nodeIntegrationSlug')) return undefined;
  return out as Execution;
}

function run(input: unknown): Run | undefined {
  if (!isFields(input)) return undefined;
  const { uuid, workflowUuid, recordId, status, executions, createdAt } = input;
  if (typeof uuid !== 'string' || typeof workflowUuid !== 'string') return undefined;
  const out: Fields = { uuid, workflowUuid };
  if (!nullishString(input, out, 'batchUuid')) return undefined;
  if (!nullishString(input, out, 'releaseUuid')) return undefined;
  if (typeof recordId !== 'string') return undefined;
  out.recordId = recordId;
  if (!nullishString(input, out, 'recordTitle')) return undefined;
  if (typeof status !== 'string' || !STATUSES.has(status)) return undefined;
  out.status = status;
  if (!nullishString(input, out, 'errorMessage')) return undefined;
  if (!Array.isArray(executions)) return undefined;
  const checked: Execution[] = [];
  for (const e of executions) {
    const ok = execution(e);
    if (!ok) return undefined;
    checked.push(ok);
  }
  out.executions = checked;
  if (typeof createdAt !== 'string' || createdAt.length < 1) return undefined;
  out.createdAt = createdAt;
  if (!nullishString(input, out, 'updatedAt', 1)) return undefined;
  if (!nullishString(input, out, 'finishedAt', 1)) return undefined;
  return out as Run;
}

/**
 * `{ runs, count }` as `runsListAnswer` parses it, or undefined for anything this does not
 * accept — the caller then parses with zod, which says what is wrong.
 */
export function readRunsPage(body: unknown): { runs: Run[]; count: number } | undefined {
  if (!isFields(body) || !Array.isArray(body.runs)) return undefined;
  const { count } = body;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) return undefined;
  const runs: Run[] = [];
  for (const r of body.runs) {
    const ok = run(r);
    if (!ok) return undefined;
    runs.push(ok);
  }
  return { runs, count };
}
