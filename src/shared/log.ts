/** Where progress and notes go: `@actions/core` in the action, stderr in the CLI. */
export interface Log {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}
