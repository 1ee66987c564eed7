/**
 * A schema (or anything costly to make) built on first use. Building zod schemas is start-up
 * work on a cold Node 24 — Cargo's answer schemas cost ~10 ms — and a decision reads only a few
 * of the answers a provider knows, none of them before its first request has gone out (README
 * "Performance").
 */
export function schema<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}
