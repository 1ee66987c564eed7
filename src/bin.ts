#!/usr/bin/env node
import { config } from 'zod';

// Before any schema exists: zod compiles a parser per object schema on its first parse, which
// costs more than it saves in a process that parses each answer once (README "Performance").
config({ jitless: true });
const { runCli } = await import('./cli.js');

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  isTTY: process.stdout.isTTY === true,
  signal: controller.signal,
});
