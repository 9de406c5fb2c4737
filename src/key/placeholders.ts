/**
 * Placeholders look like keys but are not: documentation, templates, masked values. A real body is
 * random base64url, so anything with words, long runs of one character or little entropy is not.
 */
const WORDS = [
  'your-key',
  'your_key',
  'yourkey',
  'your-api',
  'your_api',
  'example',
  'placeholder',
  'replace',
  'redacted',
  'dummy',
  'sample',
  'changeme',
  'insert',
  'xxxxx',
];

/** Minimum Shannon entropy (bits per character) of a real body; random base64url scores ≈5.5. */
const MIN_ENTROPY = 3.2;
const MAX_RUN = 7;

export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

function longestRun(text: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    run = i > 0 && text[i] === text[i - 1] ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/** True when a token body is a placeholder rather than a credential. */
export function isPlaceholderBody(body: string): boolean {
  // The `AA` suffix of fixed-length keys is structure, not randomness.
  const core = body.endsWith('AA') ? body.slice(0, -2) : body;
  const lower = core.toLowerCase();
  if (WORDS.some((word) => lower.includes(word))) return true;
  if (longestRun(core) > MAX_RUN) return true;
  return shannonEntropy(core) < MIN_ENTROPY;
}
