import { spawnGit } from '../../shared/git-runner.js';

/** Receives blobs as they stream out of git: start, any number of chunks, then end or abort. */
export interface BlobSink {
  start(oid: string, size: number): void;
  chunk(data: Buffer): void;
  end(): void;
  /** The object vanished or is unreadable mid-way; the sink drops what it had. */
  abort(): void;
  /** Listed but not in the object store (git answered `missing`). */
  missing(oid: string): void;
  /** Git died on this object (corruption); the reader restarts after it. */
  failed(oid: string, reason: string): void;
}

const LF = 0x0a;

/**
 * Stream `oids` through one long-lived `git cat-file --batch`: contents are passed on in the pipe's
 * chunks, never assembled, so a blob of any size costs no more memory than a chunk. When git dies
 * on a corrupt object, that object is reported and a new process carries on after it.
 */
export async function readBlobs(cwd: string, oids: string[], sink: BlobSink): Promise<void> {
  let next = 0;
  while (next < oids.length) {
    const outcome = await readFrom(cwd, oids, next, sink);
    if (outcome.done) return;
    sink.failed(oids[outcome.at]!, outcome.reason);
    next = outcome.at + 1;
  }
}

type Outcome = { done: true } | { done: false; at: number; reason: string };

async function readFrom(cwd: string, oids: string[], from: number, sink: BlobSink): Promise<Outcome> {
  const child = spawnGit(['cat-file', '--batch'], { cwd });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  child.stdin.on('error', () => {});
  child.stdin.end(`${oids.slice(from).join('\n')}\n`);
  const exited = new Promise<number>((resolve) => {
    child.on('error', () => resolve(-1));
    child.on('close', (code) => resolve(code ?? -1));
  });

  let at = from;
  /** Bytes of the current object's body still to come, or -1 while waiting for a header. */
  let remaining = -1;
  let inObject = false;
  let header: Buffer = Buffer.alloc(0);
  let needLf = false;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    let pos = 0;
    while (pos < chunk.length) {
      if (needLf) {
        pos++; // the LF after each body
        needLf = false;
        continue;
      }
      if (remaining > 0) {
        const take = Math.min(remaining, chunk.length - pos);
        sink.chunk(chunk.subarray(pos, pos + take));
        pos += take;
        remaining -= take;
        if (remaining === 0) finishObject();
        continue;
      }
      const nl = chunk.indexOf(LF, pos);
      if (nl === -1) {
        header = Buffer.concat([header, chunk.subarray(pos)]);
        break;
      }
      const line = Buffer.concat([header, chunk.subarray(pos, nl)]).toString('latin1');
      header = Buffer.alloc(0);
      pos = nl + 1;
      const [oid, type, size] = line.split(' ');
      if (type === 'missing' || type === 'ambiguous' || size === undefined) {
        sink.missing(oid ?? oids[at]!);
        at++;
        continue;
      }
      inObject = true;
      remaining = Number(size);
      sink.start(oid!, remaining);
      if (remaining === 0) finishObject();
    }
  }
  const code = await exited;
  if (at >= oids.length) return { done: true };
  if (inObject) sink.abort();
  const reason = stderr.split('\n').find((l) => l.trim()) ?? `git cat-file exited with ${code}`;
  return { done: false, at, reason: reason.replace(/^(fatal|error): /, '') };

  function finishObject(): void {
    sink.end();
    inObject = false;
    remaining = -1;
    needLf = true;
    at++;
  }
}
