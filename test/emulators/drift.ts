export type DriftOp = 'remove' | 'retype' | 'null';

/** Schema drift for the emulators: removes, nulls or retypes the field at a dotted path (`*` = every array item). */
export function drift(answer: unknown, path: string, op: DriftOp): unknown {
  const copy = structuredClone(answer);
  const parts = path.split('.');
  const walk = (node: unknown, i: number): void => {
    if (node === null || typeof node !== 'object') return;
    const key = parts[i] as string;
    if (key === '*' && Array.isArray(node)) {
      for (const item of node) walk(item, i + 1);
      return;
    }
    const obj = node as Record<string, unknown>;
    if (i === parts.length - 1) {
      if (op === 'remove') delete obj[key];
      else if (op === 'null') obj[key] = null;
      else obj[key] = typeof obj[key] === 'string' ? 42 : 'not-a-number';
      return;
    }
    walk(obj[key], i + 1);
  };
  walk(copy, 0);
  return copy;
}
