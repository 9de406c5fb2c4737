import { runGit } from '../../shared/git.js';

export interface BlobEntry {
  oid: string;
  size: number;
}

export const BATCH_CHECK_FORMAT = '%(objectname) %(objecttype) %(objectsize)';

/**
 * Parse `git cat-file --batch-check` lines (`<oid> <type> <size>`), keeping blobs once each.
 * `--unordered` may list an object once per pack; a pure function.
 */
export function parseBatchCheck(text: string): BlobEntry[] {
  const seen = new Set<string>();
  const blobs: BlobEntry[] = [];
  for (const line of text.split('\n')) {
    const [oid, type, size] = line.split(' ');
    if (!oid || type !== 'blob' || seen.has(oid)) continue;
    seen.add(oid);
    blobs.push({ oid, size: Number(size) });
  }
  return blobs;
}

/**
 * Every blob stored locally, in pack order so that reading them walks each pack front to back.
 * Only lists what is on disk: in a partial clone the blobs left on the server are not listed,
 * so reading the list never triggers a lazy fetch.
 */
export async function listLocalBlobs(cwd: string): Promise<BlobEntry[]> {
  const { stdout } = await runGit(
    ['cat-file', '--batch-all-objects', '--unordered', `--batch-check=${BATCH_CHECK_FORMAT}`],
    { cwd },
  );
  return parseBatchCheck(stdout.toString('utf8'));
}
