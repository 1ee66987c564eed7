// Action inputs (or CLI flags) → one typed `Config`, through a zod schema built from the input
// table. Only rules that hold for every provider live here; each provider's own rules (the
// token it needs, the sources it offers) are the registry's, checked before any network call.
import { z } from 'zod';
import { ConfigError } from '../shared/errors.js';
import {
  INPUT_NAMES,
  INPUT_ROWS,
  type InputName,
  type InputRow,
  type INPUTS,
  type RowValue,
  type TableValues,
} from './inputs.js';
import type { Parse } from './parsers.js';

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

/** Runs one field's parser; its `fail` becomes a zod issue on that field. */
function apply<T>(parse: Parse<T>, value: string, ctx: z.RefinementCtx): T {
  try {
    return parse(value, (message) => {
      throw new FieldError(message);
    });
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
}

/** One row's schema. Every field starts as the raw string the runner gives ('' when unset). */
function field(row: InputRow) {
  return z
    .string()
    .trim()
    .transform((value, ctx) => {
      const given = value === '' ? row.default : value;
      if (given === undefined) return row.unset?.();
      return apply(row.parse, given, ctx);
    });
}

/** Rules between inputs that hold whatever the provider. */
function checkCombinations(v: ParsedInputs, ctx: z.RefinementCtx): void {
  const need = (input: InputName, message: string) =>
    ctx.addIssue({ code: 'custom', path: [input], message });
  if (
    v['record-count'] === undefined &&
    v['records-file'] === undefined &&
    v['batch-data'] === undefined
  ) {
    need(
      'record-count',
      'is required unless records-file or batch-data is given: an integer of at least 1',
    );
  }
  if (v['run-batch'] && v['batch-data'] === undefined && v['records-file'] === undefined) {
    need('run-batch', 'needs the records the batch runs: set batch-data or records-file');
  }
}

// The shape is built by walking the table, which TypeScript cannot follow; the cast restates
// what `field` yields for each row, and `RowValue` is written to match `field`.
const shape = Object.fromEntries(
  INPUT_NAMES.map((name) => [name, field(INPUT_ROWS[name])]),
) as unknown as {
  [N in InputName]: z.ZodType<ParsedInputs[N], string>;
};

const schema = z.object(shape).superRefine(checkCombinations);

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
function configError(issues: readonly z.core.$ZodIssue[]): ConfigError {
  const [first, ...rest] = issues;
  const error = new ConfigError(String(first?.path[0] ?? 'inputs'), first?.message ?? 'is invalid');
  if (rest.length > 0) {
    const others = rest.map((i) => `'${String(i.path[0])}' ${i.message}`).join('; ');
    error.message += ` (also: ${others})`;
  }
  return error;
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
 * input. Provider rules are not checked here: see `checkProviderSettings` in the registry.
 */
export function parseConfig(inputs: RawInputs): Config {
  const result = schema.safeParse(rawValues(inputs));
  if (!result.success) throw configError(result.error.issues);
  return toConfig(result.data);
}
