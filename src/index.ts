import { config } from 'zod';

// Before any schema exists: zod compiles a parser per object schema on its first parse, which
// costs more than it saves in a process that parses each answer once (README "Performance").
config({ jitless: true });

let main: typeof import('./main.js');
try {
  main = await import('./main.js');
} catch (error) {
  // The action's own code could not load (a damaged checkout of dist/): say so the way the
  // runner reads, and still set the decision output, which every path sets.
  const message = `batch-cost-gate could not load its code: ${error instanceof Error ? error.message : String(error)}`;
  const escaped = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  process.stdout.write(`::error::${escaped}\n`);
  const outputFile = process.env.GITHUB_OUTPUT;
  if (outputFile) {
    const fs = process.getBuiltinModule('node:fs');
    fs.appendFileSync(outputFile, 'decision=unknown\n');
  }
  process.exit(1);
}
await main.run();
