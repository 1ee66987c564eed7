// Node lines carry their action, so the report can show one breakdown table (by node, with the
// action as a column) instead of two near-identical ones.
import { describe, expect, it } from 'vitest';
import { estimateFromObservations } from '../../src/engine/estimate.js';
import type { Observation } from '../../src/engine/observation.js';

const run = (i: number, parts: Observation['parts']): Observation => ({
  id: `run-${i}`,
  recordId: `r-${i}`,
  status: 'success',
  providerCredits: parts.reduce((s, p) => s + p.credits, 0),
  executions: parts.length,
  executionCredits: parts.length * 0.01,
  parts,
});

describe('node lines with their action', () => {
  it('name the action a node ran, and none for a native node or one of mixed actions', () => {
    const estimate = estimateFromObservations('history', [
      run(0, [
        { key: 'start', kind: 'native', credits: 0, executions: 1 },
        { key: 'find', kind: 'connector', action: 'hunter.findEmail', credits: 2, executions: 1 },
        { key: 'llm', kind: 'connector', action: 'openai.chat', credits: 1, executions: 1 },
      ]),
      run(1, [
        { key: 'start', kind: 'native', credits: 0, executions: 1 },
        { key: 'find', kind: 'connector', action: 'hunter.findEmail', credits: 0, executions: 1 },
        { key: 'llm', kind: 'connector', action: 'anthropic.chat', credits: 1, executions: 1 },
      ]),
    ]);
    const action = (key: string) => estimate.byNode.find((l) => l.key === key)?.action;
    expect(action('find')).toBe('hunter.findEmail');
    expect(action('start')).toBeUndefined();
    expect(action('llm')).toBeUndefined();
    expect(estimate.byAction.every((l) => l.action === undefined)).toBe(true);
  });
});
