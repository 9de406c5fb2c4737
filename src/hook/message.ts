/**
 * What a developer reads when the pre-commit scan refuses a commit: why, and the three ways out
 * (remove the key, mark a false positive inline, or accept known findings in the baseline).
 */
export function stagedRefusal(): string {
  return [
    'keyguard: commit refused: the staged changes contain an Anthropic credential (see above).',
    '  - remove the key from the file (keep keys in a git-ignored .env or a secrets manager) and `git add` it again;',
    '  - if it is not a real key (a test fixture), add `keyguard:allow` in a comment on that line;',
    '  - to accept findings that are already known, record them with `keyguard baseline create`.',
    '',
  ].join('\n');
}
