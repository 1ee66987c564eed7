// `compare-to`: which report the Previous / New / Diff section is drawn against.
import type { Parse } from './parsers.js';

/** `base` (the pull request's base branch), `none`, or a branch to compare with. */
export type CompareTo = { kind: 'base' } | { kind: 'none' } | { kind: 'branch'; branch: string };

// Git's ref-name rules, as far as a branch typed into a workflow needs: no spaces, control
// characters, `..`, `~^:?*[\`, no leading `-` or `/`, no trailing `/`, `.` or `.lock`.
const BRANCH = /^(?!-|\/)(?!.*(\.\.|\/\/|@\{|\/$|\.$|\.lock$))[^\s~^:?*[\\]+$/;
const hasControl = (value: string) => [...value].some((c) => c.charCodeAt(0) < 32 || c === '\x7f');

export const compareTo: Parse<CompareTo> = (value, fail) => {
  const lower = value.toLowerCase();
  if (lower === 'base' || lower === 'none') return { kind: lower };
  if (value.length > 255 || !BRANCH.test(value) || hasControl(value)) {
    fail(`must be base, none or a branch name (got '${value}')`);
  }
  return { kind: 'branch', branch: value.replace(/^refs\/heads\//, '') };
};
