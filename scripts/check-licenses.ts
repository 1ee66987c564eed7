/**
 * Fails when a package bundled into dist/ carries a license that is not on the allow-list, so a
 * copyleft (or unlicensed) dependency cannot slip into what users run.
 *
 *   tsx scripts/check-licenses.ts                  # the three licenses.txt files the bundle writes
 *   tsx scripts/check-licenses.ts path/to/licenses.txt …
 *
 * It reads the licenses.txt scripts/bundle.ts writes, in the shape of ncc's `--license` output
 * (license-webpack-plugin's default renderer): the packages sorted by name, each as
 * `name\nlicense-id\nlicense text`, joined by a blank line.
 * The text itself holds blank lines, so every paragraph whose first line is a valid npm package
 * name is read as an entry. That never misses a package (each entry starts a paragraph); a
 * paragraph of license text shaped like one is read as an extra entry, which fails unless its
 * second line happens to be an allowed id. Anything it cannot read as allowed fails: the check
 * fails closed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** SPDX ids whose terms let us ship the code inside dist/ under our MIT license. */
export const ALLOWED = new Set([
  'MIT',
  'X11',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'Apache-2.0',
  '0BSD',
  'BlueOak-1.0.0',
  'Python-2.0',
  'CC0-1.0',
  'Unlicense',
]);

/** Non-SPDX spellings found in package.json files, and what they mean. */
const ALIASES: Record<string, string> = {
  // chainsaw (via @actions/artifact → unzip-stream → binary) writes this.
  'MIT/X11': 'MIT AND X11',
};

/** Packages reviewed by hand, each with the reason; they are reported on every run. */
export const EXCEPTIONS: Record<string, string> = {
  // @actions/artifact → unzip-stream → binary → buffers@0.1.1 (substack, 2011) declares no
  // license in package.json and ships no LICENSE file. It is a transitive dependency of
  // GitHub's own artifact client; replacing it means replacing @actions/artifact. Review again
  // if @actions/artifact stops pulling it in (the check then reports the exception unused).
  buffers: 'declares no license; transitive dependency of @actions/artifact, reviewed',
};

export interface BundledPackage {
  name: string;
  license: string | undefined;
}

export interface Finding {
  name: string;
  license: string | undefined;
  problem: string;
}

const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** The packages listed in one ncc licenses.txt. */
export function parseLicenses(text: string): BundledPackage[] {
  const entries: BundledPackage[] = [];
  for (const paragraph of text.replace(/\r\n/g, '\n').split(/\n\s*\n/)) {
    const [first = '', second] = paragraph.split('\n');
    const name = first.trim();
    if (!PACKAGE_NAME.test(name)) continue;
    entries.push({ name, license: second?.trim() || undefined });
  }
  return entries;
}

/** Whether an SPDX expression (`A OR (B AND C)`, with aliases) is satisfied by the allow-list. */
export function isAllowed(expression: string): boolean {
  const tokens = (ALIASES[expression.trim()] ?? expression).match(/\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  // SPDX precedence: WITH binds tightest, then AND, then OR.
  const orExpr = (): boolean => {
    let value = andExpr();
    while (tokens[at] === 'OR') {
      at += 1;
      value = andExpr() || value;
    }
    return value;
  };
  const andExpr = (): boolean => {
    let value = term();
    while (tokens[at] === 'AND') {
      at += 1;
      value = term() && value;
    }
    return value;
  };
  const term = (): boolean => {
    const token = tokens[at++];
    if (token === '(') {
      const value = orExpr();
      return tokens[at++] === ')' && value;
    }
    // A license exception (`GPL-2.0 WITH Classpath-exception-2.0`) needs a person to read it.
    if (tokens[at] === 'WITH') return false;
    return token !== undefined && ALLOWED.has(token);
  };
  const value = tokens.length > 0 && orExpr();
  return value && at === tokens.length;
}

/** The bundled packages whose license is not allowed and not a reviewed exception. */
export function findingsOf(packages: BundledPackage[]): Finding[] {
  return packages.flatMap(({ name, license }): Finding[] => {
    if (name in EXCEPTIONS) return [];
    if (license === undefined) return [{ name, license, problem: 'declares no license' }];
    if (isAllowed(license)) return [];
    return [{ name, license, problem: `${license} is not on the allow-list` }];
  });
}

const DEFAULT_FILES = ['dist/licenses.txt', 'dist/cli/licenses.txt', 'dist/engine/licenses.txt'];

function main(files: string[]): number {
  const packages = new Map<string, BundledPackage>();
  for (const file of files) {
    const listed = parseLicenses(readFileSync(file, 'utf8'));
    if (listed.length === 0) {
      console.error(`${file}: no packages found; is it ncc's licenses.txt?`);
      return 1;
    }
    for (const pkg of listed) packages.set(`${pkg.name} ${pkg.license ?? ''}`, pkg);
  }
  const all = [...packages.values()];
  for (const [name, reason] of Object.entries(EXCEPTIONS)) {
    const used = all.some((p) => p.name === name);
    console.log(`${used ? 'exception' : 'unused exception (remove it)'}: ${name}: ${reason}`);
  }
  const findings = findingsOf(all);
  for (const f of findings) console.error(`::error::bundled package ${f.name}: ${f.problem}`);
  if (findings.length > 0) {
    console.error(`${findings.length} bundled package(s) fail the license allow-list.`);
    return 1;
  }
  console.log(
    `licenses: ${all.length} bundled package licenses checked in ${files.length} file(s), all allowed`,
  );
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  process.exitCode = main(
    args.length > 0 ? args : DEFAULT_FILES.map((f) => join(process.cwd(), f)),
  );
}
