import { PackFormatError } from './format.js';

/** A chain longer than this is taken for a loop in damaged data. */
const MAX_CHAIN = 10_000;

/** Where a walk down a delta chain stopped, and the deltas it passed on the way, nearest first. */
export interface ChainWalk {
  links: number[];
  end: number;
}

/**
 * Follow object `from` down its delta chain until an object that `stop` accepts (one already
 * known: cached, or of a known family) or one that is not a delta (`baseOf` is negative). The
 * planner and the pack readers walk the same chains, by offsets and by task indexes respectively.
 * `baseOf` may throw to refuse a link (a base in another pack, a damaged delta).
 */
export function walkChain(from: number, baseOf: (at: number) => number, stop: (at: number) => boolean): ChainWalk {
  const links: number[] = [];
  let at = from;
  while (!stop(at)) {
    const base = baseOf(at);
    if (base < 0) break;
    links.push(at);
    at = base;
    if (links.length > MAX_CHAIN) throw new PackFormatError('delta chain does not end');
  }
  return { links, end: at };
}
