/**
 * The text keyguard puts into hook files. Everything keyguard writes sits between the two marker
 * lines, so uninstall removes exactly that and leaves whatever else the file holds.
 */
export const BEGIN = '# keyguard:begin';
export const END = '# keyguard:end';

/** Name a pre-existing plain git hook is moved to; keyguard's hook runs it first. */
export const PREVIOUS_SUFFIX = '.keyguard-previous';

/**
 * How the hook finds keyguard, in order: `$KEYGUARD_BIN` (tests, unusual setups), the project's own
 * `node_modules/.bin/keyguard` (the version the project pinned), then `keyguard` on PATH (a global
 * install). Not `npx`: even with --no-install it asks the registry when the package is missing,
 * and a commit should not make network calls. If none is found the commit is refused rather than
 * let through unscanned.
 */
export const RUN_BLOCK = `${BEGIN}
if [ -n "\${KEYGUARD_BIN:-}" ]; then
  "$KEYGUARD_BIN" scan --staged || exit $?
elif [ -x node_modules/.bin/keyguard ]; then
  node_modules/.bin/keyguard scan --staged || exit $?
elif command -v keyguard >/dev/null 2>&1; then
  keyguard scan --staged || exit $?
else
  echo "keyguard: not found (npm install --save-dev keyguard, or set KEYGUARD_BIN); commit refused." >&2
  echo "  (to commit without the scan this once: git commit --no-verify)" >&2
  exit 1
fi
${END}
`;

/** The whole plain-git pre-commit hook: run the chained hook, then the scan. */
export function gitHookScript(): string {
  return `#!/bin/sh
# keyguard pre-commit hook: refuses commits whose staged changes contain an Anthropic credential.
# Installed by \`keyguard hook install\`; \`keyguard hook uninstall\` removes it and restores any hook it chained.
previous="$(dirname "$0")/pre-commit${PREVIOUS_SUFFIX}"
if [ -x "$previous" ]; then
  "$previous" "$@" || exit $?
fi
${RUN_BLOCK}`;
}

/** One command line for managers that take a command rather than a script (lefthook, pre-commit). */
export const COMMAND = 'npx --no-install keyguard scan --staged';

/** Remove the marked block (and the markers) from text; unchanged when there is none. */
export function removeBlock(text: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === BEGIN);
  if (start === -1) return text;
  const endAt = lines.findIndex((line, i) => i > start && line.trim() === END);
  if (endAt === -1) return text;
  lines.splice(start, endAt - start + 1);
  return lines.join('\n');
}

export function hasBlock(text: string): boolean {
  return text.split('\n').some((line) => line.trim() === BEGIN);
}
