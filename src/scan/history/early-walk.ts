import { logArgs, logRecords } from './attribute.js';
import { streamGit } from './git-stream.js';
import { type Introduction, IntroductionCollector } from './raw-log.js';

/** Introductions kept for blobs not yet known to be clean before the early walk gives up. */
const LIMIT = 200_000;

/**
 * The attribution walk (`git log --raw` over all history, about a second per 20,000 commits),
 * started while blobs are still being scanned, as soon as the first key is found, so that git
 * diffs trees while the pack readers work. Which blobs will have hits is not known yet, so it
 * keeps the introductions of every blob not yet scanned clean, and prunes them as blobs come out
 * clean; if that grows past a bound (a huge history scanned slowly), it stops and the walk is
 * done again after the scan. A scan with no key never starts it.
 */
export class EarlyWalk {
  private readonly clean = new Set<string>();
  private running: Promise<Introduction[] | undefined> | undefined;
  private stopped = false;

  constructor(
    private readonly cwd: string,
    private readonly revs: string[],
    private readonly limit = LIMIT,
  ) {}

  /** A blob's outcome, from the scan. */
  blob(oid: string, hit: boolean): void {
    if (!hit) this.clean.add(oid);
    else this.running ??= this.walk();
  }

  /** Whether the walk started (a hit was seen). */
  get started(): boolean {
    return this.running !== undefined;
  }

  /** The introductions of `hits`, or undefined when the walk did not finish and must be done again. */
  async introductions(hits: { has(oid: string): boolean }): Promise<Introduction[] | undefined> {
    const kept = await this.running;
    return kept?.filter((i) => hits.has(i.oid));
  }

  /** Stop a walk whose result is not needed (no hits after all, or the scan failed). */
  stop(): void {
    this.stopped = true;
  }

  private async walk(): Promise<Introduction[] | undefined> {
    let kept: Introduction[] = [];
    const collector = new IntroductionCollector(
      (i) => kept.push(i),
      (oid) => !this.clean.has(oid),
    );
    try {
      for await (const records of logRecords(streamGit(logArgs(this.revs), this.cwd))) {
        if (this.stopped) return undefined;
        for (const record of records) collector.add(record);
        if (kept.length > this.limit) {
          kept = kept.filter((i) => !this.clean.has(i.oid));
          if (kept.length > this.limit / 2) return undefined;
        }
      }
      collector.flush();
      return kept;
    } catch {
      return undefined;
    }
  }
}
