import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import parsePrometheus from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/shared/errors.js';
import { writeTextfileAtomically } from '../../src/export/textfile.js';
import { renderObservationsCsv } from '../../src/report/csv.js';
import { renderJson } from '../../src/report/json.js';
import { renderPrometheus } from '../../src/report/prometheus.js';
import { reportJsonSchema, reportSchema } from '../../src/report/schema.js';
import { expectGolden } from '../support/golden.js';
import { finishedBatch, fixedReport, veniceReport } from '../support/report-fixtures.js';
import { ROOT } from '../support/run-action.js';

interface PromFamily {
  name: string;
  help: string;
  type: string;
  metrics: { value: string; labels?: Record<string, string> }[];
}

describe('report.json', () => {
  it('matches its golden file and its own schema', () => {
    const report = fixedReport(1000, 38_000);
    const json = renderJson(report);
    expectGolden('report.json', json);
    expect(reportSchema.parse(JSON.parse(json)).decision).toBe('pass');
  });

  it('writes non-finite numbers as null, still valid', () => {
    const report = fixedReport(1000, 0);
    expect(report.gate!.utilization).toBe(Infinity);
    const parsed = JSON.parse(renderJson(report));
    expect(parsed.gate.utilization).toBeNull();
    expect(() => reportSchema.parse(parsed)).not.toThrow();
  });

  it('has its JSON Schema committed, generated from the zod schema (npm run schema)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(reportJsonSchema())));
    expect(committed.required).toContain('schemaVersion');
  });

  it('carries no secret', () => {
    expect(renderJson(fixedReport(10, 100))).not.toContain('tok-golden');
  });
});

describe('observations.csv', () => {
  it('matches its golden file and parses back row for row', () => {
    const report = fixedReport(1000, 38_000);
    const csv = renderObservationsCsv(report);
    expectGolden('observations.csv', csv);
    const rows = parseCsv<Record<string, string>>(csv, { columns: true });
    expect(rows).toHaveLength(report.observations.length);
    expect(rows[0]).toEqual({
      run_uuid: 'run-000',
      record_id: 'lead-0',
      status: 'success',
      provider_credits: '0.5',
      executions: '4',
      execution_charge: '0.04',
      total_credits: '0.54',
    });
  });

  it("speaks the provider's unit, with execution columns only where executions are billed", () => {
    const csv = renderObservationsCsv(veniceReport(5000, 25));
    expectGolden('observations-venice.csv', csv);
    const rows = parseCsv<Record<string, string>>(csv, { columns: true });
    expect(Object.keys(rows[0]!)).toEqual([
      'run_uuid',
      'record_id',
      'status',
      'provider_usd',
      'total_usd',
    ]);
    // More than four decimals: four would round this request's 0.00198 USD to 0.002.
    expect(rows[0]!.provider_usd).toBe('0.0016');
    expect(rows[1]!.total_usd).toBe('0.00198');
  });

  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    const report = fixedReport(10, 100);
    report.observations[0] = {
      ...report.observations[0]!,
      recordId: 'a,"b"\nc',
      id: '=HYPERLINK("x")',
    };
    const rows = parseCsv<Record<string, string>>(renderObservationsCsv(report), { columns: true });
    expect(rows[0]!.record_id).toBe('a,"b"\nc');
    expect(rows[0]!.run_uuid).toBe(`'=HYPERLINK("x")`);
  });
});

describe('metrics.prom', () => {
  it('matches its golden file and parses back with an exposition-format parser', () => {
    const report = fixedReport(1000, 2_600);
    const text = renderPrometheus(report);
    expectGolden('metrics.prom', text);
    expect(text.endsWith('\n')).toBe(true);
    const families = parsePrometheus(text) as unknown as PromFamily[];
    const byName = Object.fromEntries(families.map((f) => [f.name, f]));
    expect(Object.keys(byName).every((n) => n.startsWith('batch_cost_gate_'))).toBe(true);
    expect(byName.batch_cost_gate_projected_credits!.type).toBe('GAUGE');
    expect(Number(byName.batch_cost_gate_projected_credits!.metrics[0]!.value)).toBeCloseTo(
      report.projection!.projected,
      6,
    );
    expect(byName.batch_cost_gate_projected_credits!.metrics[0]!.labels).toEqual({
      workflow: 'wf-golden',
      provider: 'cargo',
      tag: 'wf-golden',
    });
    const decisions = byName.batch_cost_gate_decision!.metrics.map((m) => [
      m.labels!.decision,
      m.value,
    ]);
    expect(decisions).toEqual([
      ['pass', '0'],
      ['warn', '1'],
      ['fail', '0'],
    ]);
    expect(Number(byName.batch_cost_gate_last_run_timestamp_seconds!.metrics[0]!.value)).toBe(
      Date.parse('2026-11-22T00:00:00.000Z') / 1000,
    );
  });

  it('puts the comment tag on every series, so matrix legs of one workflow stay apart', () => {
    const text = renderPrometheus({ ...fixedReport(1000, 2_600), tag: 'eu "prod"' });
    const families = parsePrometheus(text) as unknown as PromFamily[];
    const samples = families.flatMap((f) => f.metrics);
    expect(samples.length).toBeGreaterThan(8);
    for (const m of samples) expect(m.labels?.tag).toBe('eu "prod"');
  });

  it("names the cost gauges in the provider's unit, so no name holds two units", () => {
    const text = renderPrometheus(veniceReport(5000, 25));
    expectGolden('metrics-venice.prom', text);
    const names = (parsePrometheus(text) as unknown as PromFamily[]).map((f) => f.name);
    expect(names).toContain('batch_cost_gate_projected_usd');
    expect(names).toContain('batch_cost_gate_usd_per_record');
    expect(names.filter((n) => n.includes('credits'))).toEqual([]);
  });

  it("gives a launched batch's actual spend and whether the bound held, only with a receipt", () => {
    const spent = (actual: number) => {
      const report = fixedReport(1000, 38_000, { batch: finishedBatch(actual) });
      const text = renderPrometheus(report);
      const families = parsePrometheus(text) as unknown as PromFamily[];
      const value = (name: string) =>
        families.find((f) => f.name === `batch_cost_gate_${name}`)?.metrics[0]?.value;
      return { report, text, value };
    };
    const held = spent(2_100);
    expectGolden('metrics-receipt.prom', held.text);
    expect(held.value('actual_credits')).toBe('2100');
    expect(held.value('bound_held')).toBe('1');
    const over = spent(5_000);
    expect(over.report.receipt!.boundHeld).toBe(false);
    expect(over.value('bound_held')).toBe('0');
    const none = renderPrometheus(fixedReport(1000, 38_000));
    expect(none).not.toMatch(/actual_credits|bound_held/);
  });

  it('escapes label values', () => {
    const report = { ...fixedReport(10, 100), subject: 'wf "quoted" \\ back\nslash' };
    const families = parsePrometheus(renderPrometheus(report)) as unknown as PromFamily[];
    expect(families[0]!.metrics[0]!.labels!.workflow).toBe('wf "quoted" \\ back\nslash');
  });
});

describe('textfile', () => {
  it('writes atomically and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prom-'));
    await writeTextfileAtomically(join(dir, 'gate.prom'), 'a 1\n');
    await writeTextfileAtomically(join(dir, 'gate.prom'), 'a 2\n');
    expect(readdirSync(dir)).toEqual(['gate.prom']);
    expect(readFileSync(join(dir, 'gate.prom'), 'utf8')).toBe('a 2\n');
  });

  it('refuses a directory that does not exist, naming the input', async () => {
    const error = await writeTextfileAtomically('/no/such/dir/gate.prom', 'x').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).input).toBe('prometheus-file');
  });
});
