import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gitText } from '../../../shared/git.js';
import type { BlobEntry } from '../enumerate.js';
import { walkChain } from './delta-chain.js';
import { PackIndex, parseObjectHeader } from './format.js';
import type { PackTask } from './task-types.js';

/** Tasks for the pack readers, with the blob id of each wanted object; `rest` is read through git. */
export interface PackPlan {
  tasks: Array<{ task: PackTask; oids: Array<string | undefined> }>;
  rest: BlobEntry[];
}

interface Pack {
  path: string;
  index: PackIndex;
  size: number;
  sorted: Float64Array;
}

/** The object directory and hash length of the repository at cwd. */
async function objectStore(cwd: string): Promise<{ dir: string; hashLength: number }> {
  const [format, dir] = (await gitText(['rev-parse', '--show-object-format', '--git-path', 'objects'], { cwd }))
    .trim()
    .split('\n');
  return { dir: resolve(cwd, dir ?? 'objects'), hashLength: format === 'sha256' ? 32 : 20 };
}

function loadPacks(dir: string, hashLength: number): Pack[] {
  const packDir = join(dir, 'pack');
  if (!existsSync(packDir)) return [];
  const packs: Pack[] = [];
  for (const name of readdirSync(packDir)) {
    if (!name.endsWith('.idx')) continue;
    const path = join(packDir, `${name.slice(0, -4)}.pack`);
    try {
      const index = new PackIndex(readFileSync(join(packDir, name)), hashLength);
      const fd = openSync(path, 'r');
      const size = fstatSync(fd).size;
      closeSync(fd);
      packs.push({ path, index, size, sorted: index.sortedOffsets() });
    } catch {
      // An unreadable or unfamiliar pack: its objects are read through git.
    }
  }
  return packs;
}

/** The offset where the object at `offset` ends: the next object, or the pack's trailing checksum. */
function endOf(pack: Pack, offset: number, hashLength: number): number {
  const sorted = pack.sorted;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo]! : pack.size - hashLength;
}

/**
 * Find each blob in the repository's packs and group the blobs by delta family (a blob, its base,
 * the base's base...), so that each family is rebuilt by one thread that reads it front to back.
 * Blobs not in a pack (loose, in an alternate) are left to git.
 */
export async function planPacks(
  cwd: string,
  blobs: BlobEntry[],
  taskCount: number,
  maxRebuilt?: number,
): Promise<PackPlan> {
  const { dir, hashLength } = await objectStore(cwd);
  const packs = loadPacks(dir, hashLength);
  const rest: BlobEntry[] = [];
  const wanted = packs.map(() => new Map<number, BlobEntry>());
  for (const blob of blobs) {
    const at = locate(packs, blob.oid);
    if (at) wanted[at[0]]!.set(at[1], blob);
    else rest.push(blob);
  }

  const families: Array<{ pack: number; root: number; offsets: number[]; bytes: number }> = [];
  /** Each pack's parsed headers, with the delta base resolved to an offset. */
  const baseAt = packs.map(() => new Map<number, number>());
  packs.forEach((pack, p) => {
    if (wanted[p]!.size === 0) return;
    const headers = baseAt[p]!;
    const fd = openSync(pack.path, 'r');
    const buf = Buffer.alloc(64);
    const header = (offset: number) => {
      const known = headers.get(offset);
      if (known !== undefined) return known;
      const got = readSync(fd, buf, 0, 64, offset);
      const parsed = parseObjectHeader(buf.subarray(0, got), offset, hashLength);
      const base = parsed.baseOffset ?? (parsed.baseOid ? pack.index.find(parsed.baseOid) : -1);
      if (parsed.baseOid && base < 0) throw new Error('delta base in another pack');
      headers.set(offset, base);
      return base;
    };
    const rootOf = new Map<number, number>();
    const root = (offset: number): number => {
      const { links, end } = walkChain(offset, header, (at) => rootOf.has(at));
      const found = rootOf.get(end) ?? end;
      for (const o of links) rootOf.set(o, found);
      rootOf.set(end, found);
      return found;
    };
    const byRoot = new Map<number, (typeof families)[number]>();
    try {
      for (const [offset, blob] of wanted[p]!) {
        let r: number;
        try {
          r = root(offset);
        } catch {
          rest.push(blob);
          wanted[p]!.delete(offset);
          continue;
        }
        let family = byRoot.get(r);
        if (!family) {
          family = { pack: p, root: r, offsets: [], bytes: 0 };
          byRoot.set(r, family);
          families.push(family);
        }
        family.bytes += blob.size;
      }
    } finally {
      closeSync(fd);
    }
    // Every object on a family's chains, the bases included, each once.
    for (const [offset, r] of rootOf) byRoot.get(r)?.offsets.push(offset);
  });

  const total = families.reduce((sum, f) => sum + f.bytes, 0);
  const perTask = Math.max(1 << 20, total / Math.max(1, taskCount));
  const tasks: PackPlan['tasks'] = [];
  let group: typeof families = [];
  let bytes = 0;
  const flush = () => {
    if (group.length === 0) return;
    const p = group[0]!.pack;
    const pack = packs[p]!;
    const offsets = group.flatMap((f) => f.offsets).sort((a, b) => a - b);
    const index = new Map(offsets.map((o, i) => [o, i]));
    const task: PackTask = {
      pack: pack.path,
      hashLength,
      offsets,
      ends: offsets.map((o) => endOf(pack, o, hashLength)),
      bases: [],
      uses: new Array<number>(offsets.length).fill(0),
      sizes: [],
      maxRebuilt,
    };
    const oids: Array<string | undefined> = [];
    for (const offset of offsets) {
      const base = baseAt[p]!.get(offset) ?? -1;
      const b = base < 0 ? -1 : (index.get(base) ?? -1);
      task.bases.push(b);
      if (b >= 0) task.uses[b]!++;
      const blob = wanted[p]!.get(offset);
      task.sizes.push(blob ? blob.size : -1);
      oids.push(blob?.oid);
    }
    tasks.push({ task, oids });
    group = [];
    bytes = 0;
  };
  // Families in pack order; a task never mixes packs.
  families.sort((a, b) => a.pack - b.pack || a.root - b.root);
  for (const family of families) {
    if (group.length && group[0]!.pack !== family.pack) flush();
    group.push(family);
    bytes += family.bytes;
    if (bytes >= perTask) flush();
  }
  flush();
  return { tasks, rest };
}

function locate(packs: Pack[], oid: string): [number, number] | undefined {
  const raw = Buffer.from(oid, 'hex');
  for (let p = 0; p < packs.length; p++) {
    const offset = packs[p]!.index.find(raw);
    if (offset >= 0) return [p, offset];
  }
  return undefined;
}
