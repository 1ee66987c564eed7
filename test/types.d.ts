declare module 'parse-prometheus-text-format' {
  export default function parse(text: string): unknown[];
}
declare module 'unzip-stream' {
  import type { Transform } from 'node:stream';
  const unzip: { Parse(): Transform };
  export default unzip;
}
