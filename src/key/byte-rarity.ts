/**
 * How common each byte is in source code and text: the one table both literal searches choose
 * their anchors from (Needle, and the marker search's windows and buckets).
 */

/**
 * Bytes from commonest to rarest in source code and text (measured over a few hundred MB of npm
 * packages, C headers and documentation); frequency falls roughly 6% a rank.
 */
const COMMONEST =
  ' etsniroa_cl\ndpuShfm*E()/g,T.OCyNIRkALPb">0v<;x=1:w-DM#F\tU2BXG5{}9`\'3KjVH4[]68Y\\zq7@|\rW&?J!Q+Z$%';

/**
 * Estimated share of bytes of text that are each byte, from its rank in the table. Bytes not in the
 * table count as rarer than every byte in it.
 */
export const BYTE_FREQUENCY: Float64Array = (() => {
  const frequency = new Float64Array(256).fill(0.94 ** COMMONEST.length * 0.15);
  for (let i = 0; i < COMMONEST.length; i++) frequency[COMMONEST.charCodeAt(i)] = 0.15 * 0.94 ** i;
  return frequency;
})();
