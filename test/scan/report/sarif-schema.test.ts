import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKey } from '../../../src/key/keygen.js';
import { cli } from '../../helpers/cli.js';
import { git, gitdir, writeFiles } from '../../helpers/git.js';
import { ajvDraft04, readJson } from '../../helpers/json-schema.js';

const validateSarif = ajvDraft04(
  readJson(join(import.meta.dirname, '..', '..', 'fixtures', 'sarif-schema-2.1.0.json')),
);

function expectValid(sarif: unknown) {
  const ok = validateSarif(sarif);
  expect(validateSarif.errors ?? [], JSON.stringify(validateSarif.errors?.slice(0, 3))).toEqual([]);
  expect(ok).toBe(true);
}

describe('SARIF output against the SARIF 2.1.0 JSON Schema', () => {
  it('a report with findings of every kind, in odd paths, is valid', async () => {
    const dir = gitdir({
      'src/config.ts': `export const key = '${makeKey('api03')}';\n`,
      'ops/admin key (copy).env': `ADMIN=${makeKey('admin01')}\n`,
      'auth/tokens.json': JSON.stringify({ access: makeKey('oat01'), refresh: makeKey('ort01') }),
      'cookies/ä%.txt': `sessionKey=${makeKey('sid01')}\n`,
      'k8s/secret.yaml': `data:\n  key: ${Buffer.from(makeKey('api03')).toString('base64')}\n`,
    });
    const result = await cli(['scan', '--format', 'sarif'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    const sarif = JSON.parse(result.stdout) as { runs: Array<{ results: unknown[] }> };
    expect(sarif.runs[0]!.results.length).toBeGreaterThanOrEqual(6);
    expectValid(sarif);
  });

  it('a report of history findings (commit, author, reachability) is valid', async () => {
    const dir = gitdir({ 'a.txt': 'clean\n' });
    writeFiles(dir, { 'leak.env': `ANTHROPIC_API_KEY=${makeKey('api03')}\n` });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'oops');
    git(dir, 'rm', '-q', 'leak.env');
    git(dir, 'commit', '-q', '-m', 'remove');
    const result = await cli(['scan', '--history', '--format', 'sarif'], { cwd: dir });
    expect(result.stderr).toBe('');
    const sarif = JSON.parse(result.stdout) as { runs: Array<{ results: unknown[] }> };
    expect(sarif.runs[0]!.results).toHaveLength(1);
    expectValid(sarif);
  });

  it('a clean report is valid', async () => {
    const result = await cli(['scan', '--format', 'sarif'], { cwd: gitdir({ 'a.txt': 'nothing here\n' }) });
    expect(result.exitCode).toBe(0);
    expectValid(JSON.parse(result.stdout));
  });

  it('the schema is really applied: a broken report is rejected', async () => {
    const result = await cli(['scan', '--format', 'sarif'], { cwd: gitdir({ 'a.txt': 'nothing here\n' }) });
    const sarif = JSON.parse(result.stdout) as { version: string; runs: Array<Record<string, unknown>> };
    expect(validateSarif({ ...sarif, version: '2.0.0' })).toBe(false);
    expect(validateSarif({ ...sarif, runs: [{ ...sarif.runs[0], results: [{ message: {} }] }] })).toBe(false);
  });
});
