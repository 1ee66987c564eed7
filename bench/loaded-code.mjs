// `node --import ./bench/loaded-code.mjs dist/index.js`: records every JavaScript file the
// process loads (entry, chunks) and, at exit, writes their paths and sizes, with the process's
// peak memory, as JSON to $LOADED_CODE_FILE. Case B of `npm run bench` reads it. Needs
// module.registerHooks (Node ≥ 22.15), whose hooks run in the thread they hook.
import { statSync, writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const loaded = new Set();
registerHooks({
  load(url, context, nextLoad) {
    if (url.startsWith('file:')) loaded.add(fileURLToPath(url));
    return nextLoad(url, context);
  },
});
process.on('exit', () => {
  const files = [...loaded].map((path) => ({ path, bytes: statSync(path).size }));
  const maxRssKiB = process.resourceUsage().maxRSS;
  writeFileSync(process.env.LOADED_CODE_FILE, JSON.stringify({ files, maxRssKiB }));
});
