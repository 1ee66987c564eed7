// Action inputs (or CLI flags) → one typed `Config`, through a zod schema built from the input
// table. Only rules that hold for every provider live here; each provider's own rules (the
// token it needs, the sources it offers) are the registry's, checked before any network call.
import * as z from 'zod';
import { ConfigError } from '../shared/errors.js';
import {
  INPUT_NAMES,
  INPUT_ROWS,
  type InputName,
  type INPUTS,
  type RowValue,
  type TableValues,
} from './inputs.js';
import { inputLabel, type InputPhraser, phraserFor, type Surface } from './phrase.js';

export { INPUT_DEFAULTS, INPUT_NAMES, type InputName } from './inputs.js';
export type { BatchDataSetting, SampleRecordsSetting } from './parsers.js';

/** Every action input, by its kebab-case name, as a raw string ('' when unset). */
export type RawInputs = Readonly<Record<string, string | undefined>>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The one typed view of every setting, shared by the action and the CLI: each table row's value
 * under its key. `commentTag` is the one computed field, so it is never undefined.
 */
export type Config = Simplify<Omit<TableValues, 'commentTag'> & { commentTag: string }>;

/** The parsed values by input name, as the schema yields them. */
type ParsedInputs = { [N in InputName]: RowValue<(typeof INPUTS)[N]> };

class FieldError extends Error {}

/** One row's value from the raw string the runner gives ('' when unset); a `FieldError` when refused. */
function field(name: InputName, raw: string): unknown {
  const row = INPUT_ROWS[name];
  const value = raw.trim();
  const given = value === '' ? row.default : value;
  if (given === undefined) return row.unset?.();
  return row.parse(given, (message) => {
    throw new FieldError(message);
  });
}

/** Rules between inputs that hold whatever the provider; `say` names inputs as the surface writes them. */
function checkCombinations(v: ParsedInputs, ctx: z.RefinementCtx, say: InputPhraser): void {
  const need = (input: InputName, message: string) =>
    ctx.addIssue({ code: 'custom', path: [input], message });
  // `mode: comment` posts another run's report: it prices no batch.
  if (v.mode === 'comment') return;
  if (
    v['record-count'] === undefined &&
    v['records-file'] === undefined &&
    v['batch-data'] === undefined
  ) {
    need(
      'record-count',
      `is required unless ${say('records-file')} or ${say('batch-data')} is given: an integer of at least 1`,
    );
  }
  if (v['run-batch'] && v['batch-data'] === undefined && v['records-file'] === undefined) {
    need(
      'run-batch',
      `needs the records the batch runs: set ${say('batch-data')} or ${say('records-file')}`,
    );
  }
}

// Every input arrives as a string; one string schema serves them all. Each row's own parser
// runs in the object's transform: a schema per row (~45 of them, each a string, a trim and a
// transform) cost every run ~10 ms of start-up before its first request (README "Performance").
const rawString = z.string();
const shape = Object.fromEntries(INPUT_NAMES.map((name) => [name, rawString])) as Record<
  InputName,
  typeof rawString
>;

/** Each row's value; an input its parser refuses is an issue on that input, named by the path. */
function parseRows(raw: Record<InputName, string>, ctx: z.RefinementCtx): ParsedInputs {
  const parsed = {} as Record<InputName, unknown>;
  let refused = false;
  for (const name of INPUT_NAMES) {
    try {
      parsed[name] = field(name, raw[name]);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      ctx.addIssue({ code: 'custom', path: [name], message: error.message });
      refused = true;
    }
  }
  // As with a schema per field: a refused input ends the parse before the rules between inputs.
  return refused ? z.NEVER : (parsed as ParsedInputs);
}

const schemas = {} as Partial<Record<Surface, z.ZodType<ParsedInputs, Record<InputName, string>>>>;

/** The schema whose messages name inputs the way `surface` writes them. */
function schemaFor(surface: Surface) {
  schemas[surface] ??= z
    .object(shape)
    .transform(parseRows)
    .superRefine((v, ctx) => checkCombinations(v, ctx, phraserFor(surface)));
  return schemas[surface];
}

/** The raw strings the schema reads, one per input. */
function rawValues(inputs: RawInputs): Record<InputName, string> {
  const values = {} as Record<InputName, string>;
  for (const name of INPUT_NAMES) {
    const value = inputs[name] ?? '';
    // A default like `${{ runner.temp }}/cost-gate` reaches us unexpanded when the action runs
    // outside the runner (local-action); it then means "not set".
    values[name] = /\$\{\{.*\}\}/.test(value) ? '' : value;
  }
  return values;
}

/** One `ConfigError` naming the first bad input, with the others appended. */
function configError(issues: readonly z.core.$ZodIssue[], surface: Surface): ConfigError {
  const [first, ...rest] = issues;
  let message = first?.message ?? 'is invalid';
  if (rest.length > 0) {
    const named = (name: string) => (surface === 'cli' ? inputLabel(name, surface) : `'${name}'`);
    const others = rest.map((i) => `${named(String(i.path[0]))} ${i.message}`).join('; ');
    message += ` (also: ${others})`;
  }
  return new ConfigError(String(first?.path[0] ?? 'inputs'), message);
}

function toConfig(parsed: ParsedInputs): Config {
  const values = Object.fromEntries(
    INPUT_NAMES.map((name) => [INPUT_ROWS[name].key, parsed[name]]),
  ) as TableValues;
  // Unset, the tag is the workflow (the default provider requires one, so the provider's name
  // is what names a workflow-less provider's gate); '' only in settings the registry refuses.
  const commentTag = values.commentTag ?? values.workflowUuid ?? values.provider ?? '';
  return { ...values, commentTag };
}

/**
 * Turns raw input strings into a `Config`, or throws one `ConfigError` naming the first bad
 * input; `surface` says how its messages write other inputs (`records-file` or `--records-file`).
 * Provider rules are not checked here: see `checkProviderSettings` in the registry.
 */
export function parseConfig(inputs: RawInputs, surface: Surface = 'action'): Config {
  const result = schemaFor(surface).safeParse(rawValues(inputs));
  if (!result.success) throw configError(result.error.issues, surface);
  return toConfig(result.data);
}
