/**
 * What a developer reads when the pre-commit scan refuses a commit: why, and the three ways out
 * (remove the key, mark a false positive inline, or accept known findings in the baseline).
 */
export function stagedRefusal(inHook: boolean): string {
  // git sets GIT_INDEX_FILE for the hooks it runs: there the commit is being refused; elsewhere
  // (a person running `keyguard scan --staged`) it would be.
  const verdict = inHook ? 'commit refused' : 'do not commit this';
  return [
    `keyguard: ${verdict}: the staged changes contain an Anthropic credential (see above).`,
    '  - remove the key from the file (keep keys in a git-ignored .env or a secrets manager) and `git add` it again;',
    '  - if it is not a real key (a test fixture), add `keyguard:allow` in a comment on that line;',
    '  - to accept findings that are already known, record them with `keyguard baseline create`.',
    '',
  ].join('\n');
}
