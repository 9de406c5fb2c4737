import { StringDecoder } from 'node:string_decoder';
import { GitError } from '../../shared/errors.js';
import { gitFailure } from '../../shared/git.js';
import { spawnGit } from '../../shared/git-runner.js';

/**
 * Run git and yield its stdout as it comes, for outputs too large to hold (`git log --raw` over
 * every commit). Throws GitError after the last chunk when git failed.
 */
export async function* streamGit(args: string[], cwd: string, input?: string): AsyncGenerator<Buffer> {
  const child = spawnGit(args, { cwd });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  child.stdin.on('error', () => {});
  child.stdin.end(input ?? '');
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (error) => reject(new GitError(`could not run git: ${error.message}`)));
    child.on('close', (code) => resolve(code ?? 1));
  });
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) yield chunk;
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const code = await exited;
  if (code !== 0) throw gitFailure(args, stderr, code);
}

/** Split a byte stream into records that start with `separator`, yielding each record's text. */
export async function* records(chunks: AsyncIterable<Buffer>, separator: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of chunks) {
    pending += decoder.write(chunk);
    let at = pending.indexOf(separator, 1);
    while (at !== -1) {
      yield pending.slice(0, at);
      pending = pending.slice(at);
      at = pending.indexOf(separator, 1);
    }
  }
  pending += decoder.end();
  if (pending) yield pending;
}
