import { StringDecoder } from 'node:string_decoder';
import { streamGit } from './git-stream.js';

export interface BlobEntry {
  oid: string;
  size: number;
}

export const BATCH_CHECK_FORMAT = '%(objectname) %(objecttype) %(objectsize)';

/** Collects blobs from `git cat-file --batch-check` lines (`<oid> <type> <size>`), once each. */
export class BlobListing {
  readonly blobs: BlobEntry[] = [];
  private readonly seen = new Set<string>();

  line(line: string): void {
    const [oid, type, size] = line.split(' ');
    // `--unordered` may list an object once per pack that holds it.
    if (!oid || type !== 'blob' || this.seen.has(oid)) return;
    this.seen.add(oid);
    this.blobs.push({ oid, size: Number(size) });
  }
}

/** Parse a whole listing (a pure function, for tests). */
export function parseBatchCheck(text: string): BlobEntry[] {
  const listing = new BlobListing();
  for (const line of text.split('\n')) listing.line(line);
  return listing.blobs;
}

/**
 * Every blob stored locally, in pack order so that reading them walks each pack front to back.
 * Only lists what is on disk: in a partial clone the blobs left on the server are not listed,
 * so reading the list never triggers a lazy fetch. Streamed: only blobs are kept, never the
 * listing of every commit and tree.
 */
export async function listLocalBlobs(cwd: string): Promise<BlobEntry[]> {
  const listing = new BlobListing();
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const args = ['cat-file', '--batch-all-objects', '--unordered', `--batch-check=${BATCH_CHECK_FORMAT}`];
  for await (const chunk of streamGit(args, cwd)) {
    const lines = (pending + decoder.write(chunk)).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) listing.line(line);
  }
  listing.line(pending + decoder.end());
  return listing.blobs;
}
