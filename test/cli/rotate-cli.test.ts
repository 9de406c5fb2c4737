import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/audit/chain.js';
import { fingerprint } from '../../src/key/fingerprint.js';
import { makeKey } from '../../src/key/keygen.js';
import { spawnCli } from '../helpers/cli.js';
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

/** A project whose dev environment keeps its key in a .env file. */
function project(options: { maxAgeDays?: number } = {}) {
  const dir = tempDir();
  const oldKey = makeKey();
  const newKey = makeKey();
  const oldId = api.addKey(oldKey, { name: 'dev old', workspaceId: 'wrkspc_dev' });
  const newId = api.addKey(newKey, { name: 'dev new', workspaceId: 'wrkspc_dev', createdAt: new Date().toISOString() });
  const environment = { store: { type: 'dotenv', path: '.env' }, ...options };
  writeFileSync(join(dir, 'keyguard.config.json'), JSON.stringify({ environments: { dev: environment } }));
  writeFileSync(join(dir, '.env'), `# local settings\nANTHROPIC_API_KEY=${oldKey}\nOTHER=1\n`, { mode: 0o600 });
  const env = (admin = true) => ({
    NO_COLOR: '1',
    CI: 'true',
    ANTHROPIC_BASE_URL: api.url,
    ...(admin ? { ANTHROPIC_ADMIN_API_KEY: adminKey } : {}),
  });
  const everything = (...outputs: string[]) => {
    const stateDir = join(dir, '.keyguard', 'state');
    const files = [join(dir, '.keyguard', 'audit.jsonl'), ...safeList(stateDir).map((f) => join(stateDir, f))];
    return [...outputs, ...files.map((f) => readSafe(f))].join('\n');
  };
  const noKeys = (...outputs: string[]) => {
    const text = everything(...outputs);
    expect(text).not.toContain(oldKey);
    expect(text).not.toContain(newKey);
  };
  const dotenv = () => readFileSync(join(dir, '.env'), 'utf8');
  return { dir, oldKey, newKey, oldId, newId, env, noKeys, dotenv };
}

function readSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

describe('keyguard rotate (dotenv store, fake Anthropic API)', () => {
  it('end to end through the real bin: rotate, finish, status, audit verify', async () => {
    const p = project();
    const run = await spawnCli(['rotate', '--env', 'dev'], { cwd: p.dir, env: p.env(), input: `${p.newKey}\n` });
    expect(run.stderr).toMatch(/new key .* verified/);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/rotated dev: sk-ant-api03-.{3}\.\.\..{4} → sk-ant-api03-/);
    expect(run.stdout).toMatch(/keyguard rotate --env dev --finish/);
    expect(p.dotenv()).toBe(`# local settings\nANTHROPIC_API_KEY=${p.newKey}\nOTHER=1\n`);
    expect(api.key(p.oldId)?.status).toBe('active');

    const finish = await spawnCli(['rotate', '--env', 'dev', '--finish'], { cwd: p.dir, env: p.env() });
    expect(finish.exitCode).toBe(0);
    expect(api.key(p.oldId)?.status).toBe('inactive');
    expect(api.key(p.newId)?.status).toBe('active');

    const status = await spawnCli(['rotate', 'status', '--format', 'json'], { cwd: p.dir, env: p.env() });
    expect(status.exitCode).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.environments[0]).toMatchObject({
      name: 'dev',
      key: { fingerprint: fingerprint(p.newKey), apiKeyId: p.newId },
      ageSource: 'admin-api',
      maxAgeDays: 90,
      policySource: 'default',
      overdue: false,
    });

    const verify = await spawnCli(['audit', 'verify'], { cwd: p.dir });
    expect(verify.exitCode).toBe(0);
    expect(verify.stdout).toMatch(/6 event\(s\), chain intact/);
    p.noKeys(run.stdout, run.stderr, finish.stdout, finish.stderr, status.stdout);
  });

  it('without a new key says the Admin API cannot create keys and where to make one', async () => {
    const p = project();
    const res = await cli(['rotate', '--env', 'dev'], { cwd: p.dir, env: p.env() });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/Admin API cannot create API keys.*Console \(Settings → API Keys/);
    expect(p.dotenv()).toContain(p.oldKey);
  });

  it('refuses a --new-key-file others can read, and an unknown environment', async () => {
    const p = project();
    writeFileSync(join(p.dir, 'new.key'), p.newKey);
    chmodSync(join(p.dir, 'new.key'), 0o640);
    const open = await cli(['rotate', '--env', 'dev', '--new-key-file', 'new.key'], { cwd: p.dir, env: p.env() });
    expect(open.exitCode).toBe(2);
    expect(open.stderr).toMatch(/chmod 600 new\.key/);
    const unknown = await cli(['rotate', '--env', 'prod', '--new-key-env', 'NEW'], { cwd: p.dir, env: p.env() });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/no environment "prod" .*known: dev/);
  });

  it('a rejected key (401) is exit 3, a 529 storm is exit 4; nothing changes and the audit verifies', async () => {
    const p = project();
    api.key(p.newId)!.status = 'inactive';
    const rejected = await cli(['rotate', '--env', 'dev', '--new-key-env', 'NEW'], {
      cwd: p.dir,
      env: { ...p.env(), NEW: p.newKey },
    });
    expect(rejected.exitCode).toBe(3);
    expect(rejected.stderr).toMatch(/rejected: the API refused it: .*401/);
    api.key(p.newId)!.status = 'active';
    api.failNext('/v1/models', 529, { times: 10, headers: { 'retry-after': '0' } });
    const storm = await cli(['rotate', '--env', 'dev', '--new-key-env', 'NEW'], {
      cwd: p.dir,
      env: { ...p.env(), NEW: p.newKey },
    });
    expect(storm.exitCode).toBe(4);
    expect(storm.stderr).toMatch(/overloaded/);
    expect(p.dotenv()).toContain(p.oldKey);
    expect(api.key(p.oldId)?.status).toBe('active');
    expect(verifyChain(readFileSync(join(p.dir, '.keyguard/audit.jsonl'), 'utf8')).ok).toBe(true);
    p.noKeys(rejected.stderr, storm.stderr);
  });

  it('a lock held by a live process is refused naming it; a dead holder is taken over', async () => {
    const p = project();
    const lock = join(p.dir, '.keyguard', 'state', 'dev.lock');
    await cli(['rotate', '--env', 'dev', '--dry-run', '--new-key-env', 'NEW'], {
      cwd: p.dir,
      env: { ...p.env(), NEW: p.newKey },
    });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(p.dir, '.keyguard', 'state'), { recursive: true });
    writeFileSync(
      lock,
      JSON.stringify({ pid: process.pid, host: hostname(), time: '2026-01-01T00:00:00Z', purpose: 'rotate dev' }),
    );
    const held = await cli(['rotate', '--env', 'dev', '--new-key-env', 'NEW'], {
      cwd: p.dir,
      env: { ...p.env(), NEW: p.newKey },
    });
    expect(held.exitCode).toBe(2);
    expect(held.stderr).toContain(`pid ${process.pid} on ${hostname()} since 2026-01-01T00:00:00Z (rotate dev)`);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname(), time: '2026-01-01T00:00:00Z' }));
    const taken = await cli(['rotate', '--env', 'dev', '--new-key-env', 'NEW'], {
      cwd: p.dir,
      env: { ...p.env(), NEW: p.newKey },
    });
    expect(taken.exitCode).toBe(0);
    expect(p.dotenv()).toContain(p.newKey);
    expect(safeList(join(p.dir, '.keyguard', 'state'))).not.toContain('dev.lock');
  });

  it('--dry-run writes nothing; --audit-stdout --audit-format ocsf prints OCSF events', async () => {
    const p = project();
    const dry = await cli(['rotate', '--env', 'dev', '--dry-run', '--new-key-env', 'NEW'], {
      cwd: p.dir,
      env: { ...p.env(), NEW: p.newKey },
    });
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toMatch(/nothing was written/);
    expect(p.dotenv()).toContain(p.oldKey);
    expect(safeList(join(p.dir, '.keyguard'))).toEqual([]);
    const run = await cli(
      ['rotate', '--env', 'dev', '--audit-stdout', '--audit-format', 'ocsf', '-q', '--deactivate-old'],
      {
        cwd: p.dir,
        env: p.env(),
        stdinText: p.newKey,
      },
    );
    expect(run.exitCode).toBe(0);
    const events = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.status_detail)).toEqual([
      'RotationStarted',
      'NewKeyVerified',
      'PendingWritten',
      'Promoted',
      'RotationSucceeded',
      'OldKeyDeactivated',
    ]);
    expect(events.every((e) => e.class_uid === 3004 && e.type_uid === 300403)).toBe(true);
    expect(api.key(p.oldId)?.status).toBe('inactive');
    p.noKeys(run.stdout, run.stderr);
  });

  it('rotate status: exit 1 when a key is older than its policy (store version date without an admin key)', async () => {
    const p = project({ maxAgeDays: 30 });
    const old = new Date(Date.now() - 45 * 86_400_000);
    utimesSync(join(p.dir, '.env'), old, old);
    const res = await cli(['rotate', 'status'], { cwd: p.dir, env: p.env(false) });
    expect(res.exitCode).toBe(1);
    expect(res.stdout).toMatch(/dev\s+sk-ant-api03-\S+\s+45d\s+30d\s+OVERDUE\s+store version date/);
    p.noKeys(res.stdout, res.stderr);
  });

  it('resumes a rotation interrupted between stage and promote (--resume, same key)', async () => {
    const p = project();
    const { openStore } = await import('../../src/rotate/stores/index.js');
    const { connectAnthropic } = await import('../../src/rotate/connect.js');
    const { openAuditTrail } = await import('../../src/audit/open-trail.js');
    const { Interrupted, rotate } = await import('../../src/rotate/engine.js');
    const loaded = {
      config: { environments: { dev: { store: { type: 'dotenv' as const, path: '.env' } } } },
      dir: p.dir,
    };
    const anthropic = await connectAnthropic(loaded.config, p.env());
    const interrupted = rotate(
      { environment: 'dev', newKey: p.newKey },
      {
        store: await openStore(loaded.config.environments.dev.store, { env: {}, configDir: p.dir, timeoutMs: 5000 }),
        verifier: anthropic.verifier,
        ...(anthropic.admin ? { admin: anthropic.admin } : {}),
        trail: openAuditTrail(loaded, { env: {} }),
        stateDir: join(p.dir, '.keyguard', 'state'),
        afterPhase: (phase) => {
          if (phase === 'staged') throw new Interrupted();
        },
      },
    );
    await expect(interrupted).rejects.toBeInstanceOf(Interrupted);
    const again = await cli(['rotate', '--env', 'dev'], { cwd: p.dir, env: p.env(), stdinText: p.newKey });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/interrupted after phase staged: run keyguard rotate --env dev --resume/);
    const resumed = await cli(['rotate', '--env', 'dev', '--resume'], {
      cwd: p.dir,
      env: p.env(),
      stdinText: p.newKey,
    });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).toMatch(/resuming rotation/);
    expect(p.dotenv()).toContain(p.newKey);
    const log = readFileSync(join(p.dir, '.keyguard/audit.jsonl'), 'utf8');
    expect(verifyChain(log).ok).toBe(true);
    expect(log.match(/"action":"PendingWritten"/g)).toHaveLength(1);
    p.noKeys(again.stderr, resumed.stdout, resumed.stderr);
  });

  it('sends events to the SIEM endpoint of the config; a failed delivery is a warning, the file keeps the event', async () => {
    const p = project();
    const { createServer } = await import('node:http');
    const received: Array<{ auth?: string; body: string }> = [];
    let calls = 0;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        received.push({ ...(req.headers.authorization ? { auth: req.headers.authorization } : {}), body });
        res.writeHead(++calls === 2 ? 500 : 202).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}/ingest`;
    writeFileSync(
      join(p.dir, 'keyguard.config.json'),
      JSON.stringify({
        environments: { dev: { store: { type: 'dotenv', path: '.env' } } },
        audit: { format: 'ocsf', http: { url, tokenEnv: 'KEYGUARD_AUDIT_TOKEN', timeoutMs: 2000 } },
      }),
    );
    const run = await cli(['rotate', '--env', 'dev', '-q'], {
      cwd: p.dir,
      env: { ...p.env(), KEYGUARD_AUDIT_TOKEN: 'siem-token-1', KEYGUARD_TRUST_CONFIG: '1' },
      stdinText: p.newKey,
    });
    await new Promise<void>((r) => server.close(() => r()));
    expect(run.exitCode).toBe(0);
    expect(received).toHaveLength(5);
    expect(received[0]!.auth).toBe('Bearer siem-token-1');
    expect(JSON.parse(received[0]!.body)).toMatchObject({ class_uid: 3004, status_detail: 'RotationStarted' });
    expect(run.stderr).toMatch(/warning: audit event 2 \(NewKeyVerified\) was not delivered .*HTTP 500/);
    expect(verifyChain(readFileSync(join(p.dir, '.keyguard/audit.jsonl'), 'utf8'))).toMatchObject({
      ok: true,
      events: 5,
    });
    p.noKeys(run.stdout, run.stderr, ...received.map((r) => r.body));
  });
});
