import { describe, expect, it } from 'vitest';
import { closestFlag, helpText, parseArgs, type RegistryHelp } from '../../src/inputs/cli-args.js';
import { CLI_INPUT_NAMES, INPUT_NAMES, INPUT_ROWS } from '../../src/inputs/inputs.js';
import { ConfigError } from '../../src/shared/errors.js';

function usageError(argv: string[]): ConfigError {
  try {
    parseArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseArgs', () => {
  it('reads --name value and --name=value into inputs under their action names', () => {
    const args = parseArgs(['--record-count', '100', '--budget=2,5', '--webhook-headers=A: b=c']);
    expect(args.inputs).toEqual({
      'record-count': '100',
      budget: '2,5',
      'webhook-headers': 'A: b=c',
    });
  });

  it('prints text by default and takes the CLI-only flags', () => {
    expect(parseArgs([])).toEqual({
      inputs: {},
      format: 'text',
      outDir: undefined,
      quiet: false,
      help: false,
      version: false,
    });
    const args = parseArgs(['-q', '--out-dir', 'out', '--format=json', '-h', '--version']);
    expect(args).toMatchObject({ quiet: true, outDir: 'out', format: 'json', help: true });
    expect(args.version).toBe(true);
  });

  it.each(['text', 'markdown', 'json'])('accepts --format %s', (format) => {
    expect(parseArgs(['--format', format]).format).toBe(format);
  });

  it('refuses another --format, listing the accepted ones', () => {
    const error = usageError(['--format', 'html']);
    expect(error.input).toBe('format');
    expect(error.message).toContain('text, markdown, json');
  });

  it('takes a negative number as a value, but not the next flag', () => {
    expect(parseArgs(['--reserve', '-5']).inputs.reserve).toBe('-5');
    expect(usageError(['--budget', '--record-count', '5']).input).toBe('budget');
    expect(usageError(['--budget']).message).toContain('needs a value');
  });

  it('refuses an unknown flag and a bare argument, naming them', () => {
    expect(usageError(['--record-cuont', '5']).message).toMatch(/not a flag.*--help/);
    expect(usageError(['record-count']).input).toBe('record-count');
  });

  it.each([
    ['history-windw-days', 'history-window-days'],
    ['history-window-day', 'history-window-days'],
    ['record-cuont', 'record-count'],
    ['Budget', 'budget'],
    ['fromat', 'format'],
    ['quite', 'quiet'],
    ['workflow-id', 'workflow-uuid'],
  ])('asks "did you mean" for --%s: --%s', (typed, meant) => {
    expect(closestFlag(typed)).toBe(meant);
    expect(usageError([`--${typed}`, '5']).problem).toBe(
      `is not a flag of batch-cost-gate; did you mean --${meant}? (see --help)`,
    );
  });

  it('asks "did you mean" for a mistyped switch given alone or before another flag', () => {
    for (const argv of [['--quite'], ['--quite', '--record-count', '5']]) {
      expect(usageError(argv).problem).toBe(
        'is not a flag of batch-cost-gate; did you mean --quiet? (see --help)',
      );
    }
  });

  it('suggests nothing for a word that is no slip of any flag', () => {
    expect(closestFlag('colour')).toBeUndefined();
    expect(closestFlag('x')).toBeUndefined();
    expect(usageError(['--something-else', '5']).problem).toBe(
      'is not a flag of batch-cost-gate; see --help',
    );
  });

  it('refuses every action-only input as a flag, saying it is the action’s', () => {
    const actionOnly = INPUT_NAMES.filter((n) => INPUT_ROWS[n].actionOnly);
    expect(actionOnly.length).toBeGreaterThan(0);
    for (const name of actionOnly) {
      const error = usageError([`--${name}`, 'x']);
      expect(error.input).toBe(name);
      expect(error.message).toContain('action input');
    }
  });

  it('accepts every CLI input as a flag', () => {
    const argv = CLI_INPUT_NAMES.flatMap((name) => [`--${name}`, `v-${name}`]);
    const { inputs } = parseArgs(argv);
    expect(Object.keys(inputs)).toEqual([...CLI_INPUT_NAMES]);
  });
});

describe('helpText', () => {
  const registry: RegistryHelp = {
    providers: ['alpha', 'beta'],
    defaultProvider: 'alpha',
    tokenEnvs: 'ALPHA_TOKEN / BETA_KEY',
  };
  const help = helpText(registry);
  const line = (flag: string) => help.split('\n').find((l) => l.trimStart().startsWith(flag));

  it.each([...CLI_INPUT_NAMES])('describes --%s', (name) => {
    const row = line(`--${name} <value>`);
    expect(row).toBeDefined();
    const description = row!.slice(row!.indexOf('<value>') + '<value>'.length).trim();
    expect(description).toContain(INPUT_ROWS[name].description);
  });

  it('describes --comment-tag (it had no description)', () => {
    expect(line('--comment-tag')).toMatch(/--comment-tag <value>\s+\S.*matrix legs/);
  });

  it('shows every default of the table', () => {
    for (const name of CLI_INPUT_NAMES) {
      const fallback = INPUT_ROWS[name].default;
      if (fallback !== undefined) expect(line(`--${name} `)).toContain(`[default: ${fallback}]`);
    }
  });

  it("shows the registry's providers, default provider and token variables", () => {
    expect(line('--provider')).toMatch(/alpha, beta \[default: alpha\]/);
    expect(line('--api-token')).toContain('(or env ALPHA_TOKEN / BETA_KEY)');
  });

  it('lists no action-only input', () => {
    for (const name of INPUT_NAMES.filter((n) => INPUT_ROWS[n].actionOnly)) {
      expect(help).not.toContain(`--${name} `);
    }
  });

  it('describes the CLI’s own flags, with text as the default format', () => {
    for (const flag of ['--format', '--out-dir', '--quiet', '--help', '--version']) {
      expect(line(flag)).toMatch(new RegExp(`^\\s*${flag}\\S*( <[^>]+>)?(, -\\w)?\\s{2,}\\S`));
    }
    expect(line('--format')).toContain('<text|markdown|json>');
    expect(line('--format')).toContain('[default: text]');
    expect(help).toContain('Exit codes');
  });
});
