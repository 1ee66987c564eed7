import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findingsOf, isAllowed, parseLicenses } from '../scripts/check-licenses.js';
import { ROOT } from './support/run-action.js';

// Written the way ncc's license plugin writes it: sorted by name, `name\nid\ntext`, blank line
// between packages, and license texts that hold blank lines and lower-case lines of their own.
const MIT_TEXT = 'MIT License\n\nCopyright (c) someone\n\nPermission is hereby granted…';
const GPL_TEXT =
  'GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n\nhttps://fsf.org/\n\nnoparse\nstill text';
const licensesTxt = (packages: [string, string, string][]): string =>
  packages.map(([name, id, text]) => `${name}\n${id}\n${text}`).join('\n\n') + '\n';

const temp = mkdtempSync(join(tmpdir(), 'bcg-licenses-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function check(text: string): { status: number | null; output: string } {
  const file = join(temp, `licenses-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, text);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts', 'check-licenses.ts'), file],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('scripts/check-licenses.ts', () => {
  it('fails a licenses.txt that bundles a GPL-3.0 package, and names it', () => {
    const { status, output } = check(
      licensesTxt([
        ['@actions/core', 'MIT', MIT_TEXT],
        ['copyleft-thing', 'GPL-3.0', GPL_TEXT],
        ['zod', 'MIT', MIT_TEXT],
      ]),
    );
    expect(status).toBe(1);
    expect(output).toContain(
      '::error::bundled package copyleft-thing: GPL-3.0 is not on the allow-list',
    );
  });

  it('passes the same file without the GPL package', () => {
    const { status, output } = check(
      licensesTxt([
        ['@actions/core', 'MIT', MIT_TEXT],
        ['zod', 'MIT', MIT_TEXT],
      ]),
    );
    expect(status).toBe(0);
    expect(output).toContain('2 bundled package licenses checked');
  });

  it('fails a file it cannot read any package from', () => {
    expect(check('Not a licenses file at all.\n').status).toBe(1);
  });
});

describe('parseLicenses', () => {
  it('reads every package, and no license text that does not look like an entry', () => {
    const text = licensesTxt([
      ['@octokit/core', 'MIT', MIT_TEXT],
      ['copyleft-thing', 'GPL-3.0', 'GNU GENERAL PUBLIC LICENSE\n\nhttps://fsf.org/'],
      ['tslib', '0BSD', 'Copyright (c) Microsoft Corporation.'],
    ]);
    expect(parseLicenses(text)).toEqual([
      { name: '@octokit/core', license: 'MIT' },
      { name: 'copyleft-thing', license: 'GPL-3.0' },
      { name: 'tslib', license: '0BSD' },
    ]);
  });

  it('fails closed on license text shaped like an entry, and still sees the package after it', () => {
    // GPL_TEXT holds the paragraph 'noparse\nstill text'; 'aaa' sorts before it.
    const packages = parseLicenses(
      licensesTxt([
        ['zzz-first', 'MIT', GPL_TEXT],
        ['aaa-after', 'GPL-3.0', MIT_TEXT],
      ]),
    );
    expect(packages.map((p) => p.name)).toEqual(['zzz-first', 'noparse', 'aaa-after']);
    expect(findingsOf(packages).map((f) => f.name)).toEqual(['noparse', 'aaa-after']);
  });

  it('keeps a package that declares no license, which then fails', () => {
    const packages = parseLicenses('aaa\nMIT\ntext\n\nno-license-pkg\n\nzzz\nISC\ntext\n');
    expect(packages).toContainEqual({ name: 'no-license-pkg', license: undefined });
    expect(findingsOf(packages).map((f) => f.name)).toEqual(['no-license-pkg']);
  });
});

describe('isAllowed', () => {
  it.each([
    ['MIT', true],
    ['(Apache-2.0 AND BSD-3-Clause)', true],
    ['MIT OR GPL-3.0', true],
    ['MIT/X11', true],
    ['GPL-3.0', false],
    ['AGPL-3.0-only', false],
    ['MIT AND GPL-2.0', false],
    ['(MIT OR GPL-3.0) AND LGPL-2.1', false],
    ['GPL-2.0 WITH Classpath-exception-2.0', false],
    ['SEE LICENSE IN LICENSE.md', false],
    ['', false],
  ])('%s → %s', (expression, allowed) => {
    expect(isAllowed(expression)).toBe(allowed);
  });
});
