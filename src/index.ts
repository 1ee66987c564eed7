import { config } from 'zod';

// Before any schema exists: zod compiles a parser per object schema on its first parse, which
// costs more than it saves in a process that parses each answer once (README "Performance").
config({ jitless: true });
const { run } = await import('./main.js');
await run();
