import type { Advice } from '../../engine/advice.js';
import type { Estimate } from '../../engine/estimate.js';
import { EXECUTION_CHARGE } from './cost.js';
import { groupedNumber } from '../../shared/grouped-number.js';

// Integrations whose price is set by a language model (Cargo bills them as `.chat` or
// `.extractor.*` slugs); a cheaper model is the biggest lever on these.
const AI_INTEGRATIONS =
  /^(openai|anthropic|mistral|gemini|google_ai|groq|perplexity|cohere|deepseek|xai|venice)\b/i;
const AI_ACTIONS = /(^|\.)(chat|completion|extractor|prompt|generate)/i;

const SHARE_FOR_MODEL = 0.25;
const SHARE_FOR_EXECUTIONS = 0.3;
const ERROR_SHARE = 0.05;
const AGENT_STEPS = 5;

const pct = (share: number) => `${Math.round(share * 100)}%`;
const credits = (n: number) => groupedNumber(n, 0, 3);

type Lever = (estimate: Estimate) => Advice | undefined;

/** A cheaper model for the AI node or action that costs the most. */
const cheaperModel: Lever = (estimate) => {
  const ai = [...estimate.byNode, ...estimate.byAction]
    .filter(
      (l) =>
        l.kind !== 'native' &&
        (AI_INTEGRATIONS.test(l.key) || AI_ACTIONS.test(l.key)) &&
        l.share >= SHARE_FOR_MODEL,
    )
    .sort((a, b) => b.share - a.share)[0];
  if (!ai) return undefined;
  return {
    lever: 'cheaper-model',
    title: 'Use a cheaper model',
    // Cargo's run data names the integration, not the model it was set to: naming a model here
    // would be a guess.
    detail: `“${ai.key}” is ${pct(ai.share)} of the cost per record (${credits(ai.total)} credits); a smaller model in its settings cuts AI nodes the most.`,
  };
};

// A pay-on-hit provider that bills on few records still runs on all of them: the records it
// finds nothing for are the ones a filter placed before it would skip.
const filterEarly: Lever = (estimate) => {
  const missing = estimate.byNode.find(
    (n) => n.kind === 'connector' && n.share >= 0.1 && n.billedShare > 0 && n.billedShare < 0.6,
  );
  if (!missing) return undefined;
  return {
    lever: 'filter-early',
    title: 'Filter records earlier',
    detail: `“${missing.key}” bills on only ${pct(missing.billedShare)} of records yet runs on all of them; a filter node before it skips the records it will find nothing for.`,
  };
};

const stopOnFailure: Lever = (estimate) => {
  if (estimate.errorShare < ERROR_SHARE || estimate.errorMean === null || estimate.errorMean <= 0)
    return undefined;
  return {
    lever: 'stop-on-failure',
    title: 'Stop runs early on failure',
    detail: `${pct(estimate.errorShare)} of records ended in error and each still cost ${credits(estimate.errorMean)} credits on average; fallbackOnFailure: false stops a run at the failure instead of continuing downstream.`,
  };
};

const agentMaxSteps: Lever = (estimate) => {
  const agent = estimate.byNode.find(
    (n) => n.kind === 'agent' && (n.executions > AGENT_STEPS || n.share >= SHARE_FOR_MODEL),
  );
  if (!agent) return undefined;
  return {
    lever: 'agent-max-steps',
    title: 'Lower maxSteps on agents',
    detail: `Agent “${agent.key}” takes ${credits(agent.executions)} steps and ${pct(agent.share)} of the cost per record; a lower maxSteps limits its tool calls.`,
  };
};

const fewerNodes: Lever = (estimate) => {
  const executionShare = estimate.executionMean / estimate.mean;
  if (executionShare < SHARE_FOR_EXECUTIONS) return undefined;
  const busiest = [...estimate.byNode].sort((a, b) => b.executions - a.executions)[0];
  const where =
    busiest && busiest.executions > 1
      ? ` — “${busiest.key}” alone runs ${credits(busiest.executions)}× per record`
      : '';
  return {
    lever: 'fewer-nodes',
    title: 'Use fewer nodes',
    detail: `The execution charge (${EXECUTION_CHARGE} credit per node execution) is ${pct(executionShare)} of the cost per record: ${credits(estimate.executionsPerRecord)} executions per record${where}. Merging or removing steps cuts it.`,
  };
};

const LEVERS: readonly Lever[] = [
  cheaperModel,
  filterEarly,
  stopOnFailure,
  agentMaxSteps,
  fewerNodes,
];

/** The cost levers of Cargo's billing guide that this estimate's data supports. */
export function adviseCargoLevers(estimate: Estimate): Advice[] {
  if (estimate.mean <= 0) return [];
  return LEVERS.flatMap((lever) => lever(estimate) ?? []);
}
