import { type ContentResult, ContentScanner, scanBuffer } from '../../content.js';
import { secretOf } from '../../finding.js';
import { hasMarker } from '../prefilter.js';
import { DeltaCache } from './delta-cache.js';
import { PackFormatError } from './format.js';
import { markerNear } from './marker-near.js';
import { type PackReader, TooLarge } from './pack-reader.js';
import { type Fresh, Rebuilder } from './rebuilder.js';
import type { PackTask, PackTaskReply } from './task-types.js';

/** How often a task reports its progress. */
const PROGRESS_MS = 100;

const CLEAN = 1;
const MARKED = 2;

function isDamage(error: unknown): boolean {
  return (
    error instanceof PackFormatError ||
    error instanceof RangeError ||
    (error instanceof Error && 'code' in error && String(error.code).startsWith('Z_'))
  );
}

/**
 * One pass over a task's objects in pack order: each is rebuilt (or streamed, when too large to
 * hold), run through the prefilter, and through the detector when the prefilter flags it; the
 * wanted blobs among them are counted, reported now and then, and their findings collected. A
 * damaged object is handed back in `fallback`, to be read (and reported) by git.
 */
export class TaskRun {
  readonly reply: PackTaskReply = { hits: [], blobs: 0, bytes: 0, fallback: [], streamed: 0, fromParts: 0 };
  private readonly cache: DeltaCache;
  private readonly rebuilder: Rebuilder;
  /** Per object: whether its content holds a marker (MARKED), holds none (CLEAN), or is unknown (0). */
  private readonly marks: Uint8Array;
  private told = performance.now();

  constructor(
    private readonly task: PackTask,
    private readonly reader: PackReader,
    private readonly onProgress?: (blobs: number, bytes: number) => void,
  ) {
    this.cache = new DeltaCache(task.uses);
    this.rebuilder = new Rebuilder(reader, this.cache, task.bases);
    this.marks = new Uint8Array(task.offsets.length);
  }

  async run(): Promise<PackTaskReply> {
    const { sizes, bases } = this.task;
    for (let i = 0; i < sizes.length; i++) {
      const size = sizes[i]!;
      let found: ContentResult | undefined;
      let ok = true;
      try {
        found = size > this.reader.maxRebuilt ? await this.scanStreamed(i) : await this.scanHeld(i, size);
      } catch (error) {
        if (!(error instanceof TooLarge || isDamage(error))) throw error;
        // Too large is not damaged: deltas against it are rebuilt from its parts.
        if (!(error instanceof TooLarge)) this.rebuilder.markBroken(i);
        ok = false;
      }
      this.cache.unpinAll();
      if (bases[i]! >= 0) this.cache.release(bases[i]!);
      if (size < 0) continue;
      if (ok) this.done(i, size, found);
      else this.reply.fallback.push(i);
    }
    this.reply.fromParts = this.rebuilder.rebuiltFromParts;
    return this.reply;
  }

  /** Rebuild object i whole; the detector's result if it is a wanted blob with a marker. */
  private async scanHeld(i: number, size: number): Promise<ContentResult | undefined> {
    const fresh: Fresh = { ranges: [], valid: false };
    const content = await this.rebuilder.materialize(i, fresh);
    this.cache.keep(i, content);
    if (size >= 0 && content.length !== size) throw new PackFormatError('object has the wrong size');
    // A delta of a base without markers can only have one where it differs from the base.
    const base = this.task.bases[i]!;
    const marked =
      fresh.valid && base >= 0 && this.marks[base] === CLEAN ? markerNear(content, fresh.ranges) : hasMarker(content);
    this.marks[i] = marked ? MARKED : CLEAN;
    return marked && size >= 0 ? scanBuffer(content, { path: '' }) : undefined;
  }

  /** Scan wanted blob i, too large to hold, as a stream. */
  private async scanStreamed(i: number): Promise<ContentResult> {
    const scanner = new ContentScanner({ path: '' });
    let length = 0;
    await this.rebuilder.stream(i, (at, piece) => {
      scanner.push(piece);
      length = at + piece.length;
    });
    if (length !== this.task.sizes[i]) throw new PackFormatError('object has the wrong size');
    this.reply.streamed++;
    return scanner.end();
  }

  /** Wanted blob i is scanned: count it, say how far the task is now and then, keep what it found. */
  private done(i: number, size: number, found: ContentResult | undefined): void {
    const reply = this.reply;
    reply.blobs++;
    reply.bytes += size;
    // A task is a large share of the work: say how far it is, ten times a second at most.
    if (this.onProgress && performance.now() - this.told >= PROGRESS_MS) {
      this.told = performance.now();
      this.onProgress(reply.blobs, reply.bytes);
    }
    if (found && (found.findings.length || found.allowed))
      reply.hits.push([i, found, found.findings.map((f) => secretOf(f) ?? '')]);
  }
}
