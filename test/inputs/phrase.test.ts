import { describe, expect, it } from 'vitest';
import { inputLabel, inputPhrase, phraserFor } from '../../src/inputs/phrase.js';

describe('inputs as each surface writes them', () => {
  it('writes an input and its value in a workflow’s with: syntax for the action', () => {
    expect(inputPhrase('estimate-from', 'metrics', 'action')).toBe('estimate-from: metrics');
    expect(inputPhrase('records-file', undefined, 'action')).toBe('records-file');
    expect(inputLabel('provider', 'action')).toBe("Input 'provider'");
  });

  it('writes the same as a flag on the command line', () => {
    expect(inputPhrase('estimate-from', 'metrics', 'cli')).toBe('--estimate-from metrics');
    expect(inputPhrase('records-file', undefined, 'cli')).toBe('--records-file');
    expect(inputLabel('provider', 'cli')).toBe('--provider');
  });

  it('binds a surface for code that names several inputs', () => {
    const say = phraserFor('cli');
    expect(`widen ${say('history-window-days')} or ${say('estimate-from', 'sample')}`).toBe(
      'widen --history-window-days or --estimate-from sample',
    );
  });
});
