/**
 * Serializes query parameters exactly as Axios' default serializer did, which is what the
 * Cargo SDK (`@cargo-ai/api` fetcher/params.js) reproduces and the service expects:
 * null/undefined left out, a top-level array as `key[]=a&key[]=b`, nested objects as
 * `key[sub]=v` (nested arrays indexed), and `encodeURIComponent` with `:` `$` `,` kept literal
 * and a space written `+`.
 */
export type QueryValue =
  string | number | boolean | null | undefined | QueryValue[] | { [key: string]: QueryValue };

function encode(value: string): string {
  return encodeURIComponent(value)
    .replace(/%3A/gi, ':')
    .replace(/%24/g, '$')
    .replace(/%2C/gi, ',')
    .replace(/%20/g, '+');
}

function nested(path: string, value: QueryValue, pairs: [string, string][]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => nested(`${path}[${index}]`, item, pairs));
  } else if (typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) nested(`${path}[${key}]`, inner, pairs);
  } else {
    pairs.push([path, String(value)]);
  }
}

/** Returns `?a=1&b=2`, or '' when nothing is left to send. */
export function serializeQuery(params: Record<string, QueryValue> | undefined): string {
  if (params === undefined) return '';
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) {
        if (item === undefined || item === null) continue;
        if (typeof item === 'object') nested(`${key}[]`, item, pairs);
        else pairs.push([`${key}[]`, String(item)]);
      }
    } else if (typeof value === 'object') {
      for (const [inner, v] of Object.entries(value)) nested(`${key}[${inner}]`, v, pairs);
    } else {
      pairs.push([key, String(value)]);
    }
  }
  const text = pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  return text === '' ? '' : `?${text}`;
}
