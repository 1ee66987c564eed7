import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliHelp, EXIT, runCli } from '../src/cli.js';
import { createProvider } from '../src/pipeline/run-gate.js';
import { CLI_INPUT_NAMES } from '../src/inputs/inputs.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from './emulators/cargo/server.js';
import { ROOT } from './support/run-action.js';

const [ENRICH] = FIXTURE.workflows as [(typeof FIXTURE.workflows)[0]];
let emu: CargoEmulator;
beforeEach(async () => {
  emu = await startCargoEmulator();
});
afterEach(async () => emu.close());

async function cli(argv: string[], env: Record<string, string> = {}, isTTY = false) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
    isTTY,
  });
  return { code, stdout, stderr };
}

const at = () => ['--api-url', emu.url];

describe('CLI', () => {
  it('lists every flag with its default in --help', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(EXIT.ok);
    for (const name of CLI_INPUT_NAMES) expect(stdout).toContain(`--${name} `);
    expect(stdout).toContain('[default: cargo]');
    expect(stdout).toContain('CARGO_API_TOKEN / VENICE_API_KEY');
    expect(stdout).toContain('[default: 0.9]');
    expect(cliHelp()).toContain('Exit codes');
  });

  it('exits 0 on pass, reading the token from CARGO_API_TOKEN, and prints terminal text', async () => {
    const { code, stdout, stderr } = await cli(
      [...at(), '--workflow-uuid', ENRICH.uuid, '--record-count=100'],
      { CARGO_API_TOKEN: FIXTURE.tokens.admin },
    );
    expect(code, stderr).toBe(EXIT.ok);
    expect(stdout).toContain('✅ Batch cost gate: pass');
    // A terminal gets no Markdown or HTML.
    expect(stdout).not.toMatch(/\*\*|<details>|<sub>|\\\(/);
    const markdown = await cli(
      [...at(), '--workflow-uuid', ENRICH.uuid, '--record-count=100', '--format', 'markdown'],
      {
        CARGO_API_TOKEN: FIXTURE.tokens.admin,
      },
    );
    expect(markdown.stdout).toContain('Batch cost gate: **pass**');
    expect(emu.requests[0]!.headers.authorization).toBe(`Bearer ${FIXTURE.tokens.admin}`);
  });

  it('colours the text only on a terminal, and never under NO_COLOR', async () => {
    const argv = [...at(), '--workflow-uuid', ENRICH.uuid, '--record-count=100'];
    const env = { CARGO_API_TOKEN: FIXTURE.tokens.admin };
    const ESC = String.fromCharCode(27);
    expect((await cli(argv, env, true)).stdout).toContain(`${ESC}[`);
    expect((await cli(argv, env, false)).stdout).not.toContain(ESC);
    expect((await cli(argv, { ...env, NO_COLOR: '1' }, true)).stdout).not.toContain(ESC);
  });

  it('prints the JSON report with --format json and writes files to --out-dir', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'cli-out-'));
    const { code, stdout } = await cli([
      ...at(),
      '--api-token',
      FIXTURE.tokens.admin,
      '--workflow-uuid',
      ENRICH.uuid,
      '--record-count',
      '1000',
      '--budget',
      '100000',
      '--format',
      'json',
      '--out-dir',
      outDir,
    ]);
    expect(code).toBe(EXIT.ok);
    const report = JSON.parse(stdout);
    expect(report.schemaVersion).toBe(1);
    expect(report.decision).toBe('pass');
    expect(report.projection.recordCount).toBe(1000);
    expect(JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')).decision).toBe('pass');
    expect(readFileSync(join(outDir, 'report.md'), 'utf8')).toContain('Batch cost gate');
    expect(stdout).not.toContain(FIXTURE.tokens.admin);
  });

  it('exits 1 on fail, and 0 when on-exceed is warn', async () => {
    const args = [
      ...at(),
      '--api-token',
      FIXTURE.tokens.admin,
      '--workflow-uuid',
      ENRICH.uuid,
      '--record-count',
      '100000',
    ];
    expect((await cli(args)).code).toBe(EXIT.fail);
    expect((await cli([...args, '--on-exceed', 'warn'])).code).toBe(EXIT.ok);
  });

  it('exits 2 on bad usage, naming the flag', async () => {
    const bad = await cli(['--record-count', '-5', '--workflow-uuid', 'w', '--api-token', 't']);
    expect(bad.code).toBe(EXIT.usage);
    // Named as the flag the user typed, not as the action's input.
    expect(bad.stderr).toMatch(/^error: --record-count: must be a whole number of at least 1/);
    expect(bad.stderr).not.toContain('Input ');
    expect((await cli(['--no-such-flag', 'x'])).stderr).toContain('error: --no-such-flag: ');
    expect((await cli(['--record-count'])).code).toBe(EXIT.usage);
    expect((await cli(['stray'])).code).toBe(EXIT.usage);
  });

  it('exits 2 when the API cannot be read', async () => {
    const { code, stderr } = await cli(
      [
        '--api-url',
        'http://127.0.0.1:1',
        '--api-token',
        'tok-unreachable-1',
        '--workflow-uuid',
        'w',
        '--record-count',
        '5',
      ],
      {},
    );
    expect(code).toBe(EXIT.usage);
    expect(stderr).toContain('could not check');
    expect(stderr).not.toContain('tok-unreachable-1');
  }, 60_000);

  it('exits 1 and says so when a launched batch is stopped at the hard cap', async () => {
    // The provider raised its price after the history was recorded.
    emu.model.workflows.get(ENRICH.uuid)!.nodes[2]!.credits = 40;
    const dir = mkdtempSync(join(tmpdir(), 'cli-cap-'));
    const file = join(dir, 'records.ndjson');
    writeFileSync(
      file,
      Array.from({ length: 8 }, (_, i) => JSON.stringify({ id: `c-${i}` })).join('\n'),
    );
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      [
        ...at(),
        '--workflow-uuid',
        ENRICH.uuid,
        '--records-file',
        file,
        '--run-batch',
        'true',
        '--hard-cap',
        '50',
      ],
      {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        env: { CARGO_API_TOKEN: FIXTURE.tokens.admin },
        provider: (config, log) => createProvider(config, { log, batchPollIntervalMs: () => 50 }),
      },
    );
    expect(code, stderr).toBe(EXIT.fail);
    expect(stdout).toContain('🛑 Batch cost gate: stopped at hard cap');
    expect(stdout).not.toContain('✅');
    expect(stderr).toMatch(
      /stopped at hard cap: Batch \S+ was cancelled at the hard cap of 50 credits/,
    );
    expect([...emu.model.batches.values()][0]!.status).toBe('cancelled');
  }, 60_000);

  it('--quiet prints the one-line decision and nothing else, whatever the decision', async () => {
    const args = [...at(), '--workflow-uuid', ENRICH.uuid, '--record-count=100', '--quiet'];
    const env = { CARGO_API_TOKEN: FIXTURE.tokens.admin };
    const pass = await cli(args, env);
    expect(pass.code).toBe(EXIT.ok);
    expect(pass.stdout).toMatch(/^✅ pass: Projected [^\n]+\n$/);
    expect(pass.stderr).toBe('');
    const projected = Number(
      JSON.parse((await cli([...args.slice(0, -1), '--format', 'json'], env)).stdout).projection
        .projected,
    );
    const warn = await cli([...args, '--budget', String(Math.ceil(projected / 0.9))], env);
    expect(warn.code).toBe(EXIT.ok);
    expect(warn.stdout).toMatch(/^⚠️ warn: Projected [^\n]+\n$/);
    expect(warn.stderr).toBe('');
  });

  it('refuses an unknown provider before any call, naming the input', async () => {
    const { code, stderr } = await cli([
      ...at(),
      '--provider',
      'openai',
      '--api-token',
      't',
      '--record-count',
      '5',
    ]);
    expect(code).toBe(EXIT.usage);
    expect(stderr).toContain("error: --provider: must be one of cargo, venice (got 'openai')");
    expect(emu.requests).toHaveLength(0);
  });

  it("reads the token from the provider's own variable, and names it when it is unset", async () => {
    const { code, stderr } = await cli(
      ['--provider', 'venice', '--api-url', emu.url, '--record-count', '5'],
      {
        CARGO_API_TOKEN: 'not-this-one',
      },
    );
    expect(code).toBe(EXIT.usage);
    expect(stderr).toBe(
      'error: --api-token: is required: a Venice ADMIN API key; set VENICE_API_KEY or pass --api-token <token>\n',
    );
    const cargo = await cli([...at(), '--workflow-uuid', ENRICH.uuid, '--record-count', '5']);
    expect(cargo.stderr).toContain('set CARGO_API_TOKEN or pass --api-token <token>');
    expect(emu.requests).toHaveLength(0);
  });

  it('asks "did you mean" for a mistyped flag, before any call', async () => {
    const { code, stderr } = await cli([
      ...at(),
      '--workflow-uuid',
      ENRICH.uuid,
      '--record-count',
      '5',
      '--history-windw-days',
      '7',
    ]);
    expect(code).toBe(EXIT.usage);
    expect(stderr).toBe(
      'error: --history-windw-days: is not a flag of batch-cost-gate; did you mean --history-window-days? (see --help)\n',
    );
    expect(emu.requests).toHaveLength(0);
  });

  it('reads 5,000 and 5_000 as record counts, and refuses 5,00 naming the flag', async () => {
    const env = { CARGO_API_TOKEN: FIXTURE.tokens.admin };
    const json = async (count: string) =>
      cli(
        [...at(), '--workflow-uuid', ENRICH.uuid, '--record-count', count, '--format', 'json'],
        env,
      );
    for (const count of ['5,000', '5_000']) {
      const { code, stdout } = await json(count);
      expect(code).toBe(EXIT.ok);
      expect(JSON.parse(stdout).recordCount).toBe(5000);
    }
    const bad = await json('5,00');
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toContain('--record-count: must be a whole number of at least 1');
    expect(bad.stderr).toContain("5,000 or 5_000) (got '5,00')");
  });

  it('gives guidance in flag syntax, and an error that is not a warning', async () => {
    const [, ROUTE] = FIXTURE.workflows as [unknown, (typeof FIXTURE.workflows)[0]];
    const { code, stdout, stderr } = await cli(
      [...at(), '--workflow-uuid', ROUTE.uuid, '--record-count', '5', '--history-window-days', '1'],
      { CARGO_API_TOKEN: FIXTURE.tokens.admin },
    );
    expect(code).toBe(EXIT.usage);
    const said = stdout + stderr;
    expect(said).toContain('or set --estimate-from metrics');
    expect(said).toContain('widen --history-window-days or lower --min-history-runs');
    expect(said).toContain('Add --sample-records (inline JSON array or a file) or --records-file');
    expect(said).not.toMatch(/estimate-from: |set sample-records|warning: could not check/);
    expect(stderr).toMatch(
      /^❔ could not check: --estimate-from auto found only \d+ finished runs/m,
    );
    const sample = await cli(
      [...at(), '--workflow-uuid', ROUTE.uuid, '--record-count', '5', '--estimate-from', 'sample'],
      { CARGO_API_TOKEN: FIXTURE.tokens.admin },
    );
    expect(sample.stderr).toContain(
      '--estimate-from sample needs something to sample: add --sample-records (inline JSON array or a file) or --records-file.',
    );
    const metrics = await cli(
      [...at(), '--workflow-uuid', 'wf-idle', '--record-count', '5', '--estimate-from', 'metrics'],
      { CARGO_API_TOKEN: FIXTURE.tokens.admin },
    );
    expect(metrics.stderr).toMatch(
      /cannot be divided into a cost per record\. Use --estimate-from sample\./,
    );
  });

  it("names the workflow by its play's name in the report", async () => {
    const { code, stdout } = await cli(
      [...at(), '--workflow-uuid', ENRICH.uuid, '--record-count', '5', '--format', 'json'],
      { CARGO_API_TOKEN: FIXTURE.tokens.admin },
    );
    expect(code).toBe(EXIT.ok);
    const report = JSON.parse(stdout);
    expect(report.subject).toBe(ENRICH.uuid);
    expect(report.subjectName).toBe('Enrich inbound leads');
  });

  it('keeps API text from driving the terminal', async () => {
    const hostile = 'Down\u001b[2J\u001b]0;pwned\u0007 for maintenance';
    emu.inject('subscription', {
      kind: 'status',
      status: 400,
      body: JSON.stringify({ errorMessage: hostile, reason: 'invalidData' }),
    });
    const { code, stderr } = await cli(
      [...at(), '--workflow-uuid', ENRICH.uuid, '--record-count', '5'],
      { CARGO_API_TOKEN: FIXTURE.tokens.admin },
    );
    expect(code).toBe(EXIT.usage);
    expect(stderr).toContain('for maintenance');
    // eslint-disable-next-line no-control-regex
    expect(stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('runs from the bundle with a shebang', async () => {
    const out = await new Promise<{ code: number | null; stdout: string }>((done) => {
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'index.js'), '--version']);
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('close', (code) => done({ code, stdout }));
    });
    expect(out.code).toBe(0);
    expect(out.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(
      readFileSync(join(ROOT, 'dist', 'cli', 'index.js'), 'utf8').startsWith('#!/usr/bin/env node'),
    ).toBe(true);
  });
});

describe('npm start (the embedded demo)', () => {
  it('prints a passing and a failing report, exits 0 and leaves nothing running', async () => {
    const result = await new Promise<{ code: number | null; stdout: string; ms: number }>(
      (done) => {
        const started = Date.now();
        const child = spawn('npm', ['start', '--silent'], {
          cwd: ROOT,
          env: { ...process.env, CI: 'true' },
        });
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.on('close', (code) => done({ code, stdout, ms: Date.now() - started }));
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✅ Batch cost gate: pass');
    expect(result.stdout).toContain('❌ Batch cost gate: fail');
    expect(result.stdout).toContain('(exit code 1: the gate stops this batch)');
  }, 60_000);
});
