import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { AuditError, appendEvent, readEvents, verifyChain } from '../../src/audit/chain.js';
import { GENESIS_HASH, hashEvent } from '../../src/audit/event.js';
import { fingerprint, hint } from '../../src/key/fingerprint.js';
import { makeKey } from '../../src/key/keygen.js';
import { tempDir } from '../helpers/git.js';

const actor = { user: 'ops', host: 'build-1', ci: null };

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined, keeps arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,1]},"b":1}');
  });
});

describe('audit chain', () => {
  it('links events from the genesis hash, with seq, in a 0600 file', async () => {
    const file = join(tempDir(), 'nested', 'audit.jsonl');
    const first = await appendEvent(file, { action: 'RotationStarted', environment: 'prod' }, actor);
    const second = await appendEvent(file, { action: 'RotationSucceeded', environment: 'prod' }, actor);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(first.seq).toBe(1);
    expect(second.prevHash).toBe(first.hash);
    expect(second.seq).toBe(2);
    expect(hashEvent(second)).toBe(second.hash);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const check = verifyChain(readFileSync(file, 'utf8'));
    expect(check).toMatchObject({ ok: true, events: 2, lastHash: second.hash });
    expect((await readEvents(file)).map((e) => e.action)).toEqual(['RotationStarted', 'RotationSucceeded']);
  });

  it('names the first edited, removed or reordered line', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    for (const action of ['RotationStarted', 'NewKeyVerified', 'PendingWritten', 'Promoted'] as const) {
      await appendEvent(file, { action, environment: 'prod' }, actor);
    }
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const edited = [...lines];
    edited[2] = edited[2]!.replace('"prod"', '"dev"');
    expect(verifyChain(`${edited.join('\n')}\n`).firstBad).toMatchObject({
      line: 3,
      reason: expect.stringMatching(/hash/),
    });
    const removed = lines.filter((_, i) => i !== 1);
    expect(verifyChain(`${removed.join('\n')}\n`).firstBad?.line).toBe(2);
    const swapped = [lines[0], lines[2], lines[1], lines[3]];
    expect(verifyChain(`${swapped.join('\n')}\n`).firstBad?.line).toBe(2);
    expect(verifyChain(`${lines.join('\n')}\nnot json\n`).firstBad).toEqual({ line: 5, reason: 'not valid JSON' });
  });

  it('keeps seq and order under concurrent appends (the lock serialises writers)', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    await Promise.all(
      Array.from({ length: 12 }, () => appendEvent(file, { action: 'NewKeyVerified', environment: 'dev' }, actor)),
    );
    const check = verifyChain(readFileSync(file, 'utf8'));
    expect(check).toMatchObject({ ok: true, events: 12 });
  });

  it('refuses to write an event holding a key, and flags one found in a log', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const key = makeKey();
    await expect(
      appendEvent(file, { action: 'RotationFailed', error: { code: 'X', message: `bad ${key}` } }, actor),
    ).rejects.toThrow(AuditError);
    const ok = await appendEvent(
      file,
      { action: 'RotationStarted', newKey: { hint: hint(key), fingerprint: fingerprint(key), apiKeyId: null } },
      actor,
    );
    expect(JSON.stringify(ok)).not.toContain(key);
    const forged = { ...ok, seq: 2, prevHash: ok.hash, error: { code: 'X', message: key } };
    writeFileSync(file, `${JSON.stringify(ok)}\n${JSON.stringify({ ...forged, hash: hashEvent(forged) })}\n`);
    expect(verifyChain(readFileSync(file, 'utf8')).firstBad).toEqual({ line: 2, reason: 'holds a key' });
  });

  it('refuses to extend a log whose last line is damaged', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    await appendEvent(file, { action: 'RotationStarted' }, actor);
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"half":\n`);
    await expect(appendEvent(file, { action: 'RotationFailed' }, actor)).rejects.toThrow(/damaged line/);
  });
});
