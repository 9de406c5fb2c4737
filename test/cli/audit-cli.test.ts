import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendEvent } from '../../src/audit/chain.js';
import { tempDir } from '../helpers/git.js';
import { maskedCli as cli } from '../helpers/masked.js';

const actor = { user: 'ops', host: 'h', ci: null };

async function logWith(dir: string): Promise<string> {
  const file = join(dir, '.keyguard', 'audit.jsonl');
  await appendEvent(file, { action: 'RotationStarted', environment: 'prod', rotationId: 'r1' }, actor);
  await appendEvent(file, { action: 'RotationSucceeded', environment: 'prod', rotationId: 'r1' }, actor);
  await appendEvent(
    file,
    { action: 'RotationFailed', environment: 'dev', outcome: 'failure', error: { code: 'X', message: 'store down' } },
    actor,
  );
  return file;
}

describe('keyguard audit', () => {
  it('verify: exit 0 on an intact chain, 1 naming the first bad line', async () => {
    const dir = tempDir();
    const file = await logWith(dir);
    const ok = await cli(['audit', 'verify'], { cwd: dir });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/3 event\(s\), chain intact/);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"prod"', '"qa"');
    writeFileSync(file, lines.join('\n'));
    const bad = await cli(['audit', 'verify', '.keyguard/audit.jsonl'], { cwd: dir });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/chain broken at line 2: hash does not match/);
  });

  it('verify: a missing file is exit 2 with one line', async () => {
    const res = await cli(['audit', 'verify', 'nope.jsonl'], { cwd: tempDir() });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toBe('keyguard: cannot read the audit log nope.jsonl (ENOENT).\n');
  });

  it('list: filters by --env and --since, text and json (keyguard or OCSF)', async () => {
    const dir = tempDir();
    await logWith(dir);
    const text = await cli(['audit', 'list', '--env', 'prod'], { cwd: dir });
    expect(text.exitCode).toBe(0);
    expect(text.stdout.trim().split('\n')).toHaveLength(2);
    expect(text.stdout).toMatch(/RotationSucceeded/);
    const json = JSON.parse((await cli(['audit', 'list', '--format', 'json', '--since', '1h'], { cwd: dir })).stdout);
    expect(json.events.map((e: { action: string }) => e.action)).toEqual([
      'RotationStarted',
      'RotationSucceeded',
      'RotationFailed',
    ]);
    const future = JSON.parse(
      (await cli(['audit', 'list', '--format', 'json', '--since', '2999-01-01'], { cwd: dir })).stdout,
    );
    expect(future.events).toEqual([]);
    const ocsf = JSON.parse(
      (await cli(['audit', 'list', '--format', 'json', '--audit-format', 'ocsf'], { cwd: dir })).stdout,
    );
    expect(ocsf.events[2]).toMatchObject({ class_uid: 3004, type_uid: 300403, status_id: 2 });
    const badSince = await cli(['audit', 'list', '--since', 'yesterday'], { cwd: dir });
    expect(badSince.exitCode).toBe(2);
  });
});
