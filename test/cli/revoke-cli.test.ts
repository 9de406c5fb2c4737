import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/audit/chain.js';
import { fingerprint, hint } from '../../src/key/fingerprint.js';
import { makeKey } from '../../src/key/keygen.js';
import { tempDir } from '../helpers/git.js';
import { maskedCli as cli } from '../helpers/masked.js';
import { type FakeAnthropic, startFakeAnthropic } from '../servers/anthropic.js';

let api: FakeAnthropic;
let adminKey: string;
beforeEach(async () => {
  api = await startFakeAnthropic();
  adminKey = makeKey('admin01');
  api.addKey(adminKey, { admin: true });
});
afterEach(async () => {
  await api.close();
});

const env = () => ({ NO_COLOR: '1', CI: 'true', ANTHROPIC_BASE_URL: api.url, ANTHROPIC_ADMIN_API_KEY: adminKey });

describe('keyguard revoke', () => {
  it('deactivates the key given on stdin with --yes, audits KeyDeactivated, prints next steps, never the key', async () => {
    const dir = tempDir();
    const leaked = makeKey();
    const id = api.addKey(leaked, { name: 'ci deploy', workspaceId: 'wrkspc_1' });
    const res = await cli(['revoke', '--yes'], { cwd: dir, env: env(), stdinText: `${leaked}\n` });
    expect(res.exitCode).toBe(0);
    expect(api.key(id)?.status).toBe('inactive');
    expect(res.stderr).toMatch(new RegExp(`found ${id} {2}"ci deploy" {2}active {2}workspace wrkspc_1`));
    expect(res.stdout).toMatch(/is now inactive/);
    expect(res.stdout).toContain(`keyguard rotate status --fingerprint ${fingerprint(leaked)}`);
    const log = readFileSync(join(dir, '.keyguard/audit.jsonl'), 'utf8');
    expect(verifyChain(log).ok).toBe(true);
    expect(JSON.parse(log)).toMatchObject({ action: 'KeyDeactivated', oldKey: { apiKeyId: id, hint: hint(leaked) } });
    for (const text of [res.stdout, res.stderr, log]) expect(text).not.toContain(leaked);
  });

  it('refuses without --yes when not on a terminal, and asks on a terminal', async () => {
    const dir = tempDir();
    const leaked = makeKey();
    const id = api.addKey(leaked);
    const piped = await cli(['revoke'], { cwd: dir, env: env(), stdinText: leaked });
    expect(piped.exitCode).toBe(2);
    expect(piped.stderr).toMatch(/not on a terminal: pass --yes/);
    expect(api.key(id)?.status).toBe('active');
    const questions: string[] = [];
    const no = await cli(['revoke', '--hint', hint(leaked)], {
      cwd: dir,
      env: env(),
      stdinIsTTY: true,
      confirm: async (q) => {
        questions.push(q);
        return false;
      },
    });
    expect(no.exitCode).toBe(2);
    expect(questions[0]).toMatch(new RegExp(`set inactive ${id}`));
    expect(api.key(id)?.status).toBe('active');
    const yes = await cli(['revoke', '--hint', hint(leaked), '--archive'], {
      cwd: dir,
      env: env(),
      stdinIsTTY: true,
      confirm: async () => true,
    });
    expect(yes.exitCode).toBe(0);
    expect(api.key(id)?.status).toBe('archived');
  });

  it('lists several keys sharing a hint and refuses to guess', async () => {
    const leaked = makeKey();
    const twin = `${leaked.slice(0, 16)}${makeKey().slice(16, -4)}${leaked.slice(-4)}`;
    const a = api.addKey(leaked);
    const b = api.addKey(twin);
    const res = await cli(['revoke', '--yes', '--hint', hint(leaked)], { cwd: tempDir(), env: env() });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/2 Console keys share the hint/);
    expect(res.stderr).toContain(a);
    expect(res.stderr).toContain(b);
    expect(api.key(a)?.status).toBe('active');
    expect(api.key(b)?.status).toBe('active');
  });

  it('--key-file must be private; --fingerprint needs a known hint; no admin key or a key in argv is exit 2', async () => {
    const dir = tempDir();
    const leaked = makeKey();
    const file = join(dir, 'leaked.txt');
    writeFileSync(file, leaked);
    chmodSync(file, 0o644);
    const open = await cli(['revoke', '--yes', '--key-file', 'leaked.txt'], { cwd: dir, env: env() });
    expect(open.exitCode).toBe(2);
    expect(open.stderr).toMatch(/readable by group or others/);
    const unknown = await cli(['revoke', '--yes', '--fingerprint', fingerprint(leaked)], { cwd: dir, env: env() });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/audit log knows no key/);
    const noAdmin = await cli(['revoke', '--yes', '--hint', hint(leaked)], {
      cwd: dir,
      env: { ANTHROPIC_BASE_URL: api.url },
    });
    expect(noAdmin.exitCode).toBe(2);
    expect(noAdmin.stderr).toMatch(/needs an Admin API key in ANTHROPIC_ADMIN_API_KEY/);
    const argv = await cli(['revoke', leaked], { cwd: dir, env: env() });
    expect(argv.exitCode).toBe(2);
    expect(argv.stderr).not.toContain(leaked);
  });
});
