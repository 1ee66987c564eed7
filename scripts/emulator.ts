// `npm run emulator`: a standalone Cargo emulator for `npm run local-action` and manual tries.
import { FIXTURE, startCargoEmulator } from '../test/emulators/cargo/server.js';

const emulator = await startCargoEmulator();
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
