// Text bound for the runner's log, made unable to issue a workflow command.
//
// The runner reads every stdout line that starts with `::` (after optional whitespace) as a
// command: `::stop-commands::`, `::add-mask::`, `::set-output`, `::notice ::…`. `core.info`
// writes its text raw, so an API message holding `\n::stop-commands::x` could silence the gate's
// own `::error::`. We escape the message the way the runner's command format escapes command
// data (`%` → `%25`, CR → `%0D`, LF → `%0A`, as `@actions/core`'s `escapeData` does): the
// whole message then stays on one line, whose start is our own words, and a reader can still
// tell where the API's line breaks were. A message that would still start with `::` (a whole
// line of a command's output) has its `::` broken by a zero-width space, which the runner does
// not skip, so it no longer reads as a command.

/** Escapes `%`, CR and LF as the runner's command data format does. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

// Whitespace the runner skips before looking for `::`.
const COMMAND_START = /^(\s*):(?=:)/;

/**
 * A message safe for `core.info`: one line, and never the start of a workflow command. Pure,
 * so the CLI and the action apply the same rule (the CLI also strips terminal controls).
 */
export function logSafe(message: string): string {
  // Other line separators the runner may split on are folded too; the message stays one line.
  const oneLine = escapeData(message).replace(/[\u0085\u2028\u2029\v\f]/g, ' ');
  return oneLine.replace(COMMAND_START, '$1:\u200b');
}
