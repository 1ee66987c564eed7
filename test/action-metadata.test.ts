import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { helpText } from '../src/inputs/cli-args.js';
import { CLI_INPUT_NAMES, INPUT_NAMES, INPUT_ROWS, type InputName } from '../src/inputs/inputs.js';
import { DEFAULT_PROVIDER, PROVIDER_IDS, providerEntry } from '../src/providers/registry.js';
import { ROOT } from './support/run-action.js';

interface ActionYml {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const actionText = readFileSync(join(ROOT, 'action.yml'), 'utf8');
const action = parseYaml(actionText) as ActionYml;
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const readmeInputs = /\n## Inputs\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';

/** What action.yml should declare as the default: the table's, or the registry's for provider. */
function expectedDefault(name: InputName): string | undefined {
  // The table leaves provider without a default on purpose: the registry owns it.
  if (name === 'provider') return DEFAULT_PROVIDER;
  return INPUT_ROWS[name].default ?? INPUT_ROWS[name].runnerDefault;
}

function errorsOf(result: ReturnType<typeof parseAction>): string[] {
  return result.context.errors.getErrors().map((e) => e.message);
}

describe('action.yml', () => {
  it("is valid for GitHub's own parser and runs on node24", () => {
    const result = parseAction(
      { name: 'action.yml', content: actionText },
      new NoOperationTraceWriter(),
    );
    expect(errorsOf(result)).toEqual([]);
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('is checked by a parser that does catch a bad runtime', () => {
    const broken = actionText.replace('using: node24', 'using: node99');
    const result = parseAction(
      { name: 'action.yml', content: broken },
      new NoOperationTraceWriter(),
    );
    expect(errorsOf(result).length).toBeGreaterThan(0);
  });

  it.each(INPUT_NAMES)('declares table input %s with its default', (name) => {
    expect(action.inputs).toHaveProperty([name]);
    expect(action.inputs[name]?.default).toBe(expectedDefault(name));
  });

  it.each(Object.keys(action.inputs))('declares %s, which the input table reads', (name) => {
    expect(INPUT_NAMES).toContain(name);
  });

  it('keeps the contract defaults', () => {
    const defaults = Object.fromEntries(
      Object.entries(action.inputs).map(([name, spec]) => [name, spec.default]),
    );
    expect(defaults).toMatchObject({
      provider: 'cargo',
      'estimate-from': 'auto',
      'history-window-days': '30',
      'min-history-runs': '10',
      'sample-size': '10',
      'max-sample-credits': '50',
      'sample-timeout-minutes': '15',
      reserve: '0',
      confidence: '0.9',
      'warn-threshold': '0.8',
      'on-exceed': 'fail',
      'on-api-error': 'fail',
      comment: 'on-exceed',
      'comment-mode': 'update',
      'github-token': '${{ github.token }}',
      'upload-artifact': 'true',
      'artifact-name': 'cost-gate-report',
      'report-dir': '${{ runner.temp }}/cost-gate',
    });
    expect(action.inputs['api-token']?.required).toBe(true);
  });
});

describe('CLI help', () => {
  const help = helpText({
    providers: PROVIDER_IDS,
    defaultProvider: DEFAULT_PROVIDER,
    tokenEnvs: PROVIDER_IDS.map((id) => providerEntry(id).tokenEnv).join(' / '),
  });

  it.each([...CLI_INPUT_NAMES])('lists --%s with a description', (name) => {
    expect(help).toMatch(new RegExp(`^  --${name} <value> +\\S`, 'm'));
  });

  it('names the default provider and every token variable', () => {
    expect(help).toMatch(new RegExp(`--provider .*\\[default: ${DEFAULT_PROVIDER}\\]`));
    for (const id of PROVIDER_IDS) expect(help).toContain(providerEntry(id).tokenEnv);
  });
});

describe('README', () => {
  it.each(INPUT_NAMES)('documents input %s in its Inputs section, with its default', (name) => {
    const row = new RegExp(`^\\|\\s*\`${name}\`\\s*\\|([^|]*)\\|`, 'm').exec(readmeInputs);
    expect(row, `no row for ${name} in README's Inputs`).not.toBeNull();
    const fallback = expectedDefault(name);
    if (fallback !== undefined) expect(row?.[1]?.trim()).toBe(`\`${fallback}\``);
  });

  it.each(Object.keys(action.outputs))('documents output %s in its outputs table', (name) => {
    expect(readme).toMatch(new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`, 'm'));
  });

  it('has a quick start of exactly two commands', () => {
    const quickStart = /## Quick start\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
    const block = /```(?:bash|sh)\n([\s\S]*?)```/.exec(quickStart)?.[1] ?? '';
    const commands = block.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    expect(commands).toEqual(['npm ci && npm start', 'npm test']);
  });

  const workflowBlocks = [...readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? '')
    .filter((block) => /^on:/m.test(block) && /^jobs:/m.test(block));

  it('has workflow examples', () => {
    expect(workflowBlocks.length).toBeGreaterThan(0);
  });

  it.each(workflowBlocks.map((b, i) => [i, b]))(
    'workflow example %i parses as a workflow',
    (i, block) => {
      const result = parseWorkflow(
        { name: `readme-${i}.yml`, content: block },
        new NoOperationTraceWriter(),
      );
      expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    },
  );
});

describe('.github/workflows', () => {
  const dir = join(ROOT, '.github', 'workflows');
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  it('exist', () => expect(files.length).toBeGreaterThan(0));
  it.each(files)('%s parses as a workflow', (file) => {
    const content = readFileSync(join(dir, file), 'utf8');
    const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
  });
});
