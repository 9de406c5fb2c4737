import { StringDecoder } from 'node:string_decoder';
import { streamGit } from './git-stream.js';
import { type Introduction, IntroductionCollector, LOG_FORMAT, type LogRecord, RawLogParser } from './raw-log.js';

/**
 * Tree diffs of every commit git walks from `revs`, merges diffed against each parent, exact
 * renames detected (they carry content, they do not introduce it; exact-only needs no blob
 * contents, so a partial clone is never asked to fetch).
 */
export function logArgs(revs: string[]): string[] {
  return [
    'log',
    '--raw',
    '-z',
    '--no-abbrev',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--root',
    '--diff-merges=separate',
    '-M100%',
    `--format=${LOG_FORMAT}`,
    ...revs,
  ];
}

/**
 * Every introduction of a wanted blob by the commits `revs` select. Streams git's output, so the
 * cost in memory is the introductions kept, not the size of the history.
 */
export async function walkIntroductions(
  cwd: string,
  revs: string[],
  wanted?: (oid: string) => boolean,
  stdin?: string,
): Promise<Introduction[]> {
  const found: Introduction[] = [];
  const collector = new IntroductionCollector((i) => found.push(i), wanted);
  for await (const records of logRecords(streamGit(logArgs(revs), cwd, stdin))) {
    for (const record of records) collector.add(record);
  }
  collector.flush();
  return found;
}

/** Group by blob, keeping per path the first introduction (oldest author date; git lists newest first). */
export function firstByPath(introductions: Introduction[]): Map<string, Introduction[]> {
  const byBlob = new Map<string, Map<string, Introduction>>();
  for (const intro of introductions) {
    const paths = byBlob.get(intro.oid) ?? new Map<string, Introduction>();
    byBlob.set(intro.oid, paths);
    const seen = paths.get(intro.path);
    if (!seen || Date.parse(intro.date) <= Date.parse(seen.date)) paths.set(intro.path, intro);
  }
  return new Map([...byBlob].map(([oid, paths]) => [oid, [...paths.values()]]));
}

/** `git log --raw -z` chunks → the records each completes (a batch per chunk, not a promise per record). */
export async function* logRecords(chunks: AsyncIterable<Buffer>): AsyncGenerator<LogRecord[]> {
  const decoder = new StringDecoder('utf8');
  const parser = new RawLogParser();
  for await (const chunk of chunks) yield parser.write(decoder.write(chunk));
  parser.write(decoder.end());
  yield parser.end();
}
