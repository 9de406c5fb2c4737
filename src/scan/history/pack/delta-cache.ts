/** Rebuilt objects kept for their later deltas, per thread. */
export const CACHE_BYTES = 24 * 1024 * 1024;

/**
 * Rebuilt objects of one task kept while deltas against them remain, within a byte budget.
 *
 * - `keep(i)` holds object i only while deltas against it remain unread and the budget has room;
 *   an object that does not fit is simply not kept (it is rebuilt again when needed), nothing is
 *   evicted to make room.
 * - `release(i)` says one delta against i is done; i is dropped when none remain.
 * - `pin(i)` holds an object outside the budget until `unpinAll` (a delta rebuilt from parts of a
 *   base too large to hold, needed only while the object being rebuilt is done).
 */
export class DeltaCache {
  private readonly uses: number[];
  private readonly kept = new Map<number, Buffer>();
  private readonly pinned = new Map<number, Buffer>();
  private bytes = 0;

  /** `uses[i]`: how many objects of the task are deltas against object i (copied, not changed). */
  constructor(
    uses: readonly number[],
    private readonly budget = CACHE_BYTES,
  ) {
    this.uses = uses.slice();
  }

  /** Object i's content, pinned or kept; undefined if it must be rebuilt. */
  get(i: number): Buffer | undefined {
    return this.pinned.get(i) ?? this.kept.get(i);
  }

  keep(i: number, content: Buffer): void {
    if (this.uses[i]! > 0 && !this.kept.has(i) && this.bytes + content.length <= this.budget) {
      this.kept.set(i, content);
      this.bytes += content.length;
    }
  }

  release(i: number): void {
    this.uses[i] = this.uses[i]! - 1;
    const content = this.kept.get(i);
    if (this.uses[i]! <= 0 && content) {
      this.kept.delete(i);
      this.bytes -= content.length;
    }
  }

  isPinned(i: number): boolean {
    return this.pinned.has(i);
  }

  pin(i: number, content: Buffer): void {
    this.pinned.set(i, content);
  }

  unpinAll(): void {
    this.pinned.clear();
  }

  /** Bytes kept under the budget now (pinned objects not counted). */
  get keptBytes(): number {
    return this.bytes;
  }
}
