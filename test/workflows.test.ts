import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT } from './support/run-action.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const dir = join(ROOT, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string): string => readFileSync(join(dir, file), 'utf8');
const workflow = (file: string): Workflow => parseYaml(text(file)) as Workflow;
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

function parserErrors(name: string, content: string): string[] {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => e.message);
}

/** Every `uses:` line of every workflow, with the file it is in. */
const usesLines = files.flatMap((file) =>
  text(file)
    .split('\n')
    .filter((line) => /^\s*(-\s+)?uses:/.test(line))
    .map((line) => ({ file, line: line.trim().replace(/^-\s+/, '') })),
);
const thirdParty = usesLines.filter(({ line }) => !/^uses:\s*\.\//.test(line));

describe('.github/workflows', () => {
  it('has the CI, dist, CodeQL and release workflows', () => {
    expect(files).toEqual(
      expect.arrayContaining(['ci.yml', 'check-dist.yml', 'codeql.yml', 'release.yml']),
    );
  });

  it.each(files)("%s passes GitHub's workflow parser", (file) => {
    expect(parserErrors(file, text(file))).toEqual([]);
  });

  it('uses a parser that does catch a wrong permission', () => {
    const broken = text('release.yml').replace('id-token: write', 'id-token: admin');
    expect(parserErrors('release.yml', broken).length).toBeGreaterThan(0);
  });

  it.each(thirdParty.map(({ file, line }) => [file, line]))(
    '%s pins %s by full commit SHA with its version in a comment',
    (_file, line) => {
      expect(line).toMatch(/^uses:\s+[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    },
  );

  it('pins each action at one version to one SHA', () => {
    const shaOf = new Map<string, Set<string>>();
    for (const { line } of thirdParty) {
      const [, action, sha, version] = /uses:\s+([^@]+)@(\w+) # (\S+)/.exec(line) ?? [];
      const key = `${action?.split('/').slice(0, 2).join('/')} ${version}`;
      shaOf.set(key, (shaOf.get(key) ?? new Set()).add(sha ?? ''));
    }
    for (const [key, shas] of shaOf) expect([key, shas.size]).toEqual([key, 1]);
  });

  it.each(files)('%s reads the repository and nothing more by default', (file) => {
    expect(workflow(file).permissions).toEqual({ contents: 'read' });
  });

  it('keeps the self-test that runs the committed action (uses: ./)', () => {
    expect(
      usesLines.filter(({ file, line }) => file === 'ci.yml' && line === 'uses: ./'),
    ).not.toHaveLength(0);
  });
});

describe('release.yml', () => {
  const release = workflow('release.yml');
  const job = release.jobs.release;
  const steps = job?.steps ?? [];
  const step = (name: string): Step | undefined => steps.find((s) => s.name === name);

  it('runs on version tags only', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
  });

  it('holds exactly the permissions the README documents for it', () => {
    expect(job?.permissions).toEqual({
      contents: 'write',
      'id-token': 'write',
      attestations: 'write',
    });
    const row = /^\|\s*Release \(`release\.yml`\)\s*\|([^\n]*)$/m.exec(readme)?.[1] ?? '';
    for (const permission of ['contents: write', 'id-token: write', 'attestations: write']) {
      expect(row).toContain(permission);
    }
  });

  it('verifies the rebuilt dist/ and the licenses before attesting and publishing', () => {
    const order = [
      "Rebuilt dist/ equals the tag's committed dist/",
      'Bundled licenses are on the allow-list',
      'Attest the files users run',
      'Publish the release',
      'Move the major tag',
    ].map((name) => steps.findIndex((s) => s.name === name));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(step('Attest the files users run')?.uses).toMatch(/^actions\/attest-build-provenance@/);
  });

  it('attests the files the README tells users to verify', () => {
    const subjects = (step('Attest the files users run')?.with?.['subject-path'] ?? '')
      .split('\n')
      .filter((l) => l.startsWith('dist/'));
    expect(subjects).not.toHaveLength(0);
    for (const subject of subjects) expect(readme).toContain(subject);
  });

  describe('release notes step', () => {
    const script = step('Release notes from CHANGELOG.md')?.run ?? '';
    const temp = mkdtempSync(join(tmpdir(), 'bcg-notes-'));
    afterAll(() => rmSync(temp, { recursive: true, force: true }));
    writeFileSync(
      join(temp, 'CHANGELOG.md'),
      [
        '# Changelog',
        '',
        '## [Unreleased]',
        '',
        '- not yet',
        '',
        '## [1.2.0] - 2026-12-01',
        '',
        '### Fixed',
        '',
        '- the one in 1.2.0',
        '',
        '## [1.1.0] - 2026-11-01',
        '',
        '- the one in 1.1.0',
        '',
      ].join('\n'),
    );
    const runNotes = (tag: string): { status: number | null; notes: string } => {
      const result = spawnSync('bash', ['-e', '-c', script], {
        cwd: temp,
        env: { PATH: process.env.PATH, TAG: tag, RUNNER_TEMP: temp },
        encoding: 'utf8',
      });
      return { status: result.status, notes: result.stdout };
    };

    it("prints exactly that version's section", () => {
      const { status, notes } = runNotes('v1.2.0');
      expect(status).toBe(0);
      expect(notes).toContain('- the one in 1.2.0');
      expect(notes).not.toContain('1.1.0');
      expect(notes).not.toContain('not yet');
    });

    it('fails a tag whose version has no section', () => {
      expect(runNotes('v1.3.0').status).not.toBe(0);
    });
  });
});

describe('.github/dependabot.yml', () => {
  interface Update {
    'package-ecosystem': string;
    groups?: Record<string, unknown>;
  }
  const config = parseYaml(readFileSync(join(ROOT, '.github', 'dependabot.yml'), 'utf8')) as {
    updates: Update[];
  };

  it.each(['npm', 'github-actions'])('updates %s in groups', (ecosystem) => {
    const update = config.updates.find((u) => u['package-ecosystem'] === ecosystem);
    expect(Object.keys(update?.groups ?? {}).length).toBeGreaterThan(0);
  });
});

describe('the fork-safe pair (cost-gate.yml, cost-gate-comment.yml)', () => {
  const gate = workflow('cost-gate.yml');
  const comment = workflow('cost-gate-comment.yml');

  it('gates on pull requests with no write permission at all', () => {
    expect(gate.on).toHaveProperty('pull_request');
    for (const job of Object.values(gate.jobs)) {
      expect(Object.values(job.permissions ?? {})).not.toContain('write');
    }
  });

  it('comments from a workflow_run of the gate, holding pull-requests: write, in mode comment', () => {
    expect(comment.on).toEqual({
      workflow_run: { workflows: ['cost-gate'], types: ['completed'] },
    });
    const job = comment.jobs.comment;
    expect(job?.permissions).toMatchObject({ 'pull-requests': 'write', actions: 'read' });
    const step = job?.steps?.find((s) => s.uses === './');
    expect(step?.with?.mode).toBe('comment');
  });

  it("never checks out the pull request's code in the workflow with write permission", () => {
    const checkouts = (comment.jobs.comment?.steps ?? []).filter((s) =>
      s.uses?.startsWith('actions/checkout'),
    );
    for (const s of checkouts) expect(s.with?.ref).toBeUndefined();
    expect(text('cost-gate-comment.yml')).not.toMatch(/head_sha|head_branch|pull_request\.head/);
  });
});
