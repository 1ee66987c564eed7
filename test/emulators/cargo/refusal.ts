// Cargo's error answers: a status with `{"errorMessage", "reason"}` (shared/reference/cargo-api.md),
// or an empty body where the real service sends none.

/** An answer the emulator refuses a request with; the server turns it into the wire answer. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly body: { errorMessage: string; reason?: string } | undefined,
  ) {
    super(`HTTP ${status}`);
  }
}

/** Throws Cargo's error answer. */
export function refuse(status: number, errorMessage?: string, reason?: string): never {
  throw new Refusal(
    status,
    errorMessage === undefined ? undefined : { errorMessage, ...(reason ? { reason } : {}) },
  );
}
