import type { ContentResult } from '../../content.js';

/**
 * One unit of work for a pack-reading thread: whole delta families of one pack (every object a
 * wanted blob is rebuilt from), in pack order. Plain arrays, so it crosses to a worker as it is.
 */
export interface PackTask {
  pack: string;
  hashLength: number;
  /** Pack offsets, ascending. */
  offsets: number[];
  /** Where each object's compressed data ends (the next object's offset). */
  ends: number[];
  /** Index (into offsets) of each object's delta base, or -1. */
  bases: number[];
  /** How many objects of this task are deltas against each one. */
  uses: number[];
  /** Blob size from the listing for the blobs to scan; -1 for objects that are only bases. */
  sizes: number[];
  /** Objects larger than this are streamed, never held whole (default: MAX_REBUILT). */
  maxRebuilt?: number;
}

export interface PackTaskReply {
  /** Detector results with findings or allowed keys: [object index, result, the keys of its findings]. */
  hits: Array<[number, ContentResult, string[]]>;
  blobs: number;
  bytes: number;
  /** Wanted blobs this thread could not rebuild (damage, or large deltas of large bases): read them through git instead. */
  fallback: number[];
  /** Blobs scanned as a stream, and deltas rebuilt from parts of a large base (how the work was done). */
  streamed: number;
  fromParts: number;
}

/** Objects larger than this are never held whole: they are streamed, and deltas against them rebuilt from parts. */
export const MAX_REBUILT = 16 * 1024 * 1024;
