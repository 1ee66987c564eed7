// The runner's log protocol (issue 17): every stdout line starting with `::` is a workflow
// command. Hostile text from Cargo, GitHub and a sample command goes through the real `run()`
// and `actionLog`; no line it writes may be a command other than the gate's own.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { actionLog, run } from '../../src/main.js';
import { runInProcessGroup } from '../../src/providers/venice/sample-command.js';
import { sleepUnlessAborted } from '../../src/shared/sleep.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import {
  GITHUB_TOKEN,
  type GitHubEmulator,
  startGitHubEmulator,
} from '../emulators/github/server.js';
import { json, scriptedServer } from '../support/scripted-server.js';

const HOSTILE =
  '\n::stop-commands::x\n::notice ::All clear\n::add-mask::\n::set-output name=decision::pass\r::error::fake';
const saved = { ...process.env };
let cargo: CargoEmulator;
let gh: GitHubEmulator;
beforeEach(async () => {
  cargo = await startCargoEmulator();
  gh = await startGitHubEmulator();
});
afterEach(async () => {
  process.env = { ...saved };
  process.exitCode = undefined;
  await cargo.close();
  await gh.close();
});

/** Every line written to stdout while `fn` runs, as the runner splits them. */
async function stdoutLines(fn: () => Promise<unknown>): Promise<string[]> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return out.split(/\r?\n|\r/);
}

/** The commands the gate itself issues: masks of its own secrets, and annotations. */
function foreignCommands(lines: string[], secrets: string[]): string[] {
  const masks = new Set(secrets.map((s) => `::add-mask::${s}`));
  return lines.filter(
    (l) =>
      /^\s*::/.test(l) &&
      !masks.has(l) &&
      !/^::(warning|error|notice|debug)( [^:]*)?::[^\r\n]*$/.test(l),
  );
}

describe('hostile text in the runner log', () => {
  it('cannot issue a workflow command from a Cargo retry, a webhook, the PR comment or the verdict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gate-hostile-'));
    const hook = await scriptedServer([json(400, { message: HOSTILE })]);
    cargo.inject(
      'subscription',
      {
        kind: 'status',
        status: 503,
        body: JSON.stringify({ errorMessage: HOSTILE }),
      },
      1,
    );
    gh.inject('comments-create', {
      kind: 'status',
      status: 422,
      body: JSON.stringify({ message: HOSTILE }),
    });
    const event = join(dir, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 7 }, number: 7 }));
    writeFileSync(join(dir, 'output'), '');
    writeFileSync(join(dir, 'summary.md'), '');
    const inputs: Record<string, string> = {
      'api-url': cargo.url,
      'api-token': FIXTURE.tokens.admin,
      'workflow-uuid': FIXTURE.workflows[0]!.uuid,
      'record-count': '100',
      'upload-artifact': 'false',
      'github-token': GITHUB_TOKEN,
      comment: 'always',
      'webhook-url': `${hook.url}/hook`,
    };
    for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v;
    Object.assign(process.env, {
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
      RUNNER_TEMP: dir,
      GITHUB_API_URL: gh.url,
      GITHUB_REPOSITORY: 'acme/leads',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
    });
    try {
      const lines = await stdoutLines(() => run());
      const all = lines.join('\n');
      // Each path was taken: the retry, the webhook warning, the comment line, the verdict.
      expect(all).toMatch(/Retrying GET .*subscriptions.*answered 503/);
      expect(all).toMatch(/::warning::Webhook: could not deliver/);
      expect(all).toMatch(/PR comment: failed/);
      expect(all).toMatch(/Batch cost gate: /);
      expect(
        foreignCommands(lines, [FIXTURE.tokens.admin, GITHUB_TOKEN, `${hook.url}/hook`]),
      ).toEqual([]);
    } finally {
      await hook.close();
    }
  });

  it("cannot issue one from a sample command's output", async () => {
    const script = `printf '%s\\n' '::stop-commands::x' '::add-mask::' ' ::notice ::All clear'; printf 'a\\r::set-output name=x::y\\n'`;
    const lines = await stdoutLines(() =>
      runInProcessGroup({
        command: script,
        env: {},
        timeoutMs: 30_000,
        signal: new AbortController().signal,
        log: actionLog,
        now: Date.now,
        sleep: sleepUnlessAborted,
      }),
    );
    expect(lines.join('\n')).toContain('sample-command:');
    expect(foreignCommands(lines, [])).toEqual([]);
  });
});
