// `npm run emulator`: a standalone Cargo emulator for `npm run local-action` and manual tries.
import { FIXTURE, startCargoEmulator } from '../test/emulators/cargo/server.js';

// `--port N` pins the port (CI's self-test of `uses: ./` needs to know it in advance).
const portArg = process.argv.indexOf('--port');
const emulator = await startCargoEmulator(
  portArg === -1 ? {} : { port: Number(process.argv[portArg + 1]) },
);
process.stdout.write(
  [
    `Cargo emulator listening at ${emulator.url}`,
    `  admin token:  ${FIXTURE.tokens.admin}`,
    `  member token: ${FIXTURE.tokens.member}`,
    `  workspace:    ${FIXTURE.workspace.uuid}`,
    ...FIXTURE.workflows.map((w) => `  workflow:     ${w.uuid}  ${w.name}`),
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);
const stop = () => void emulator.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
