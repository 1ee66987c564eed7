// How a setting is written where the person reading a message is: `estimate-from: metrics` in a
// workflow's `with:`, `--estimate-from metrics` on the command line. Guidance, hints and config
// errors name inputs through these, so each surface reads in its own syntax.

/** Where the gate runs: as a step of a GitHub workflow, or as the command-line tool. */
export type Surface = 'action' | 'cli';

/** Writes input `name`, set to `value` when one is given, the way `surface` takes it. */
export type InputPhraser = (name: string, value?: string) => string;

/** Input `name` (set to `value`, when given) as written on `surface`. */
export function inputPhrase(name: string, value: string | undefined, surface: Surface): string {
  if (surface === 'cli') return value === undefined ? `--${name}` : `--${name} ${value}`;
  return value === undefined ? name : `${name}: ${value}`;
}

/** `inputPhrase` bound to one surface, for code that names several inputs. */
export function phraserFor(surface: Surface): InputPhraser {
  return (name, value) => inputPhrase(name, value, surface);
}

/** How an error about input `name` starts: `Input 'provider'` in a workflow, `--provider` on the CLI. */
export function inputLabel(name: string, surface: Surface): string {
  return surface === 'cli' ? `--${name}` : `Input '${name}'`;
}
