// The models a Venice estimate bills, read from its SKUs: an LLM SKU is the model id followed by
// what it prices (`llama-3.3-70b-llm-input-mtoken`, `qwen3-235b-llm-output-mtoken`), so a report
// can say "llama-3.3-70b, qwen3-235b" rather than four SKUs.

// What follows the model id in an inference SKU: the kind of model, then the priced quantity.
const SKU_SUFFIX =
  /-(?:llm|image|audio|tts|stt|embedding|embeddings|video|upscale)(?:-[a-z0-9]+)*$/;

/** The most models a name lists before it says how many more there are. */
const MAX_NAMED = 3;

/** The model id a SKU bills, or the SKU itself when it does not follow the model-then-kind pattern. */
export function modelOfSku(sku: string): string {
  const model = sku.replace(SKU_SUFFIX, '');
  return model === '' ? sku : model;
}

/**
 * The models of an estimate's SKU lines, the costliest first, each once: "llama-3.3-70b,
 * qwen3-235b"; past three, "a, b, c and 2 more". Null when there is no line.
 */
export function modelNames(lines: readonly { key: string; total: number }[]): string | null {
  const costs = new Map<string, number>();
  for (const line of lines) {
    const model = modelOfSku(line.key);
    costs.set(model, (costs.get(model) ?? 0) + line.total);
  }
  const models = [...costs].sort((a, b) => b[1] - a[1]).map(([model]) => model);
  if (models.length === 0) return null;
  const named = models.slice(0, MAX_NAMED).join(', ');
  const more = models.length - MAX_NAMED;
  return more > 0 ? `${named} and ${more} more` : named;
}
