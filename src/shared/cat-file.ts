import { gitFailure } from './git.js';
import { spawnGit } from './git-runner.js';

export interface GitObject {
  oid: string;
  type: string;
  /** Undefined when git reports the object missing (partial clone, corruption). */
  data?: Buffer;
}

/**
 * Read objects through one `git cat-file --batch` process: object ids go in on stdin, contents come
 * back in order. Yields each object whole; callers that need streaming of very large blobs read the
 * batch output themselves.
 */
export async function* readObjects(cwd: string, oids: string[]): AsyncGenerator<GitObject> {
  if (oids.length === 0) return;
  const child = spawnGit(['cat-file', '--batch'], { cwd });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.stdin.on('error', () => {});
  child.stdin.end(`${oids.join('\n')}\n`);
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));

  let pending: Buffer = Buffer.alloc(0);
  let current: { oid: string; type: string; size: number } | undefined;
  const parts: Buffer[] = [];
  let have = 0;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    for (;;) {
      if (!current) {
        const nl = pending.indexOf(0x0a);
        if (nl === -1) break;
        const header = pending.toString('utf8', 0, nl).split(' ');
        pending = pending.subarray(nl + 1);
        if (header[1] === 'missing' || header[1] === 'ambiguous') {
          yield { oid: header[0]!, type: 'missing' };
          continue;
        }
        current = { oid: header[0]!, type: header[1]!, size: Number(header[2]) };
        parts.length = 0;
        have = 0;
      }
      const need = current.size - have;
      if (pending.length < need + 1) {
        if (pending.length > 0 && pending.length <= need) {
          parts.push(pending);
          have += pending.length;
          pending = Buffer.alloc(0);
        }
        break;
      }
      parts.push(pending.subarray(0, need));
      pending = pending.subarray(need + 1);
      const data = parts.length === 1 ? Buffer.from(parts[0]!) : Buffer.concat(parts);
      yield { oid: current.oid, type: current.type, data };
      current = undefined;
    }
  }
  const code = await exited;
  if (code !== 0) throw gitFailure(['cat-file'], stderr, code);
}
