import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../src/key/fingerprint.js';
import { scanBuffer } from '../../../src/scan/content.js';
import { walkChain } from '../../../src/scan/history/pack/delta-chain.js';
import { PackReader } from '../../../src/scan/history/pack/pack-reader.js';
import { TaskRun } from '../../../src/scan/history/pack/task-run.js';
import type { PackTask } from '../../../src/scan/history/pack/task-types.js';
import { newKey } from './fixtures.js';
import { blobOf, editedVersions, packedRepo, packedTask, shrinkingVersions } from './pack-fixtures.js';

async function runTask(task: PackTask, maxRebuilt = 1 << 24) {
  const reader = PackReader.open(task, maxRebuilt);
  try {
    return await new TaskRun(task, reader).run();
  } finally {
    reader.close();
  }
}

/** Keys come in one version and go in a later one: some deltas add a key to a base without one. */
function versionsWithKeys(keys: string[]): string[] {
  return editedVersions(24, (lines, c) => {
    if (c === 4) lines[120] = `const KEY = "${keys[0]}";`;
    if (c === 9) lines[120] = 'const KEY = process.env.KEY;';
    if (c === 15) lines[7] = `// ANTHROPIC_API_KEY=${keys[1]}`;
  });
}

describe('TaskRun', () => {
  it('scans every wanted blob once and finds what the detector finds in git’s copy of it', async () => {
    const keys = [newKey().key, newKey().key];
    const dir = packedRepo(versionsWithKeys(keys));
    const { task, oids } = await packedTask(dir);
    const reply = await runTask(task);
    const wanted = task.sizes.filter((s) => s >= 0);
    expect(reply.blobs).toBe(wanted.length);
    expect(reply.bytes).toBe(wanted.reduce((a, b) => a + b, 0));
    expect(reply.fallback).toEqual([]);
    expect(reply.streamed).toBe(0);

    const expected = oids
      .map((oid, i) => [i, scanBuffer(blobOf(dir, oid!), { path: '' }).findings.map((f) => f.fingerprint)] as const)
      .filter(([, fps]) => fps.length > 0);
    const got = reply.hits.map(([i, result]) => [i, result.findings.map((f) => f.fingerprint)] as const);
    expect(got).toEqual(expected);
    expect(new Set(got.flatMap(([, fps]) => fps))).toEqual(new Set(keys.map(fingerprint)));
    // The keys themselves travel beside the findings (the worker's reply loses the findings' secrets).
    for (const [, result, secrets] of reply.hits) expect(secrets).toHaveLength(result.findings.length);
    expect(new Set(reply.hits.flatMap(([, , secrets]) => secrets))).toEqual(new Set(keys));
  });

  it('hands back a damaged object and the deltas that need it, and scans the rest', async () => {
    const dir = packedRepo(versionsWithKeys([newKey().key, newKey().key]));
    const { task } = await packedTask(dir);
    const root = task.bases.findIndex((b, i) => b < 0 && task.uses[i]! > 0);
    // The object's data cut short: its zlib stream ends early.
    const damaged = { ...task, ends: task.ends.map((end, i) => (i === root ? task.offsets[i]! + 8 : end)) };
    const reply = await runTask(damaged);
    // Exactly the objects rebuilt from it, itself included.
    const needing = task.offsets.flatMap((_, i) =>
      walkChain(
        i,
        (j) => task.bases[j]!,
        () => false,
      ).end === root
        ? [i]
        : [],
    );
    expect(needing.length).toBeGreaterThan(1);
    expect(reply.fallback).toEqual(needing);
    expect(reply.blobs + reply.fallback.length).toBe(task.sizes.filter((s) => s >= 0).length);
  });

  it('streams blobs too large to hold, rebuilds deltas of them from parts, and hands back large deltas of large bases', async () => {
    const { key, fp } = newKey();
    const dir = packedRepo(shrinkingVersions(key));
    const { task, oids } = await packedTask(dir, 4096);
    const reply = await runTask(task, 4096);
    expect(reply.streamed).toBeGreaterThan(0);
    expect(reply.fromParts).toBeGreaterThan(0);
    for (const i of reply.fallback) {
      expect(task.sizes[i]).toBeGreaterThan(4096);
      expect(blobOf(dir, oids[task.bases[i]!]!).length).toBeGreaterThan(4096);
    }
    expect(reply.blobs + reply.fallback.length).toBe(oids.length);
    const settled = new Set(reply.fallback);
    const expected = oids.flatMap((oid, i) =>
      !settled.has(i) && scanBuffer(blobOf(dir, oid!), { path: '' }).findings.length ? [i] : [],
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(reply.hits.map(([i]) => i)).toEqual(expected);
    expect(new Set(reply.hits.flatMap(([, r]) => r.findings.map((f) => f.fingerprint)))).toEqual(new Set([fp]));
  });
});
