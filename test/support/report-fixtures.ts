import { parseConfig } from '../../src/inputs/config.js';
import { adviseLevers } from '../../src/providers/cargo/advice.js';
import { estimateFromObservations } from '../../src/engine/estimate.js';
import { decide, jobOutcome } from '../../src/engine/gate.js';
import type { Observation } from '../../src/engine/observation.js';
import { project } from '../../src/engine/project.js';
import { buildReport, type Report } from '../../src/report/report.js';

/** A fixed, realistic set of observed runs: an enrichment with a pay-on-hit provider and an AI node. */
export function fixedObservations(slug = 'find_email'): Observation[] {
  return Array.from({ length: 12 }, (_, i) => {
    const hit = i % 3 !== 0;
    const parts = [
      { key: 'start', kind: 'native', credits: 0, executions: 1 },
      {
        key: slug,
        kind: 'connector',
        action: 'hunter.findEmail',
        credits: hit ? 2 : 0,
        executions: 1,
      },
      {
        key: 'score_lead',
        kind: 'connector',
        action: 'openai.chat',
        credits: 0.5 + (i % 4) * 0.25,
        executions: 1,
      },
      { key: 'end', kind: 'native', credits: 0, executions: 1 },
    ];
    const providerCredits = parts.reduce((s, p) => s + p.credits, 0);
    return {
      id: `run-${String(i).padStart(3, '0')}`,
      recordId: `lead-${i}`,
      status: i === 5 ? 'error' : 'success',
      providerCredits,
      executions: 4,
      executionCredits: 0.04,
      parts,
    } satisfies Observation;
  });
}

/** A deterministic report for golden files: `records` records against `remaining` credits. */
export function fixedReport(
  records: number,
  remaining: number,
  options: { budget?: string; slug?: string } = {},
): Report {
  const config = parseConfig({
    'api-token': 'tok-golden',
    'workflow-uuid': 'wf-golden',
    'record-count': String(records),
    ...(options.budget ? { budget: options.budget } : {}),
  });
  const observations = fixedObservations(options.slug);
  const estimate = estimateFromObservations('history', observations);
  const projection = project(estimate, records, config.confidence);
  const balance = {
    remaining,
    overageAllowed: false,
    unit: 'credits',
    details: [{ label: 'Plan', value: 'self-serve (monthly)' }],
  };
  const gate = decide(projection, balance, {
    budget: config.budget,
    reserve: config.reserve,
    warnThreshold: config.warnThreshold,
  });
  return buildReport({
    config,
    run: {
      repository: 'acme/leads',
      ref: 'refs/pull/7/merge',
      sha: 'f00dfeed',
      runId: '4242',
      runAttempt: '1',
      runUrl: 'https://github.com/acme/leads/actions/runs/4242',
      prNumber: 7,
      eventName: 'pull_request',
      time: '2026-11-22T00:00:00.000Z',
    },
    subject: 'wf-golden',
    recordCount: records,
    outcome: jobOutcome(gate.decision, config),
    reasons: gate.reasons,
    balance,
    basis: { source: 'history', n: observations.length, windowDays: 30 },
    estimate,
    projection,
    gate,
    advice: adviseLevers(estimate),
    observations,
  });
}
