/**
 * Showing text a repository controls (file names, author names, ref names, messages) without letting
 * it act: a terminal obeys ESC and C1 sequences (clear the screen, set a hyperlink or the title,
 * write the clipboard), CR and newline forge report lines, bidi controls make `evil.exe` read as
 * `exe.live`, and markdown renders `<script>`, links and table pipes. One function per medium.
 */

// C0 controls, DEL, the C1 range, and the characters that reorder or break text (bidi marks,
// embeddings, overrides and isolates; line and paragraph separators).
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
// The same without newline and tab, for the whole-output net: its own line breaks are the output's.
const ACTIVE_INLINE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
// The colours keyguard itself draws (SGR), kept by the net when colour is on.
const SGR = /\u001b\[[0-9;]*m/y;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `\uXXXX` for everything but the three named ones: readable, and identical in meaning inside a JSON
 * string, so the net can run over JSON output without changing what it parses to.
 */
function escapeChar(ch: string): string {
  return NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One field of human-facing text (a path, an author, a ref): every control character escaped. */
export function escapeTerminal(text: string): string {
  ACTIVE.lastIndex = 0;
  return ACTIVE.test(text) ? text.replace(ACTIVE, escapeChar) : text;
}

/**
 * The net at the process boundary, over whole outputs: escapes every control character except the
 * output's own newlines and tabs, and, when `keepColor`, keyguard's own colour sequences. Fields are
 * escaped where they are written (so a newline in a name cannot forge a line); this catches what a
 * message forgot. JSON never holds a raw C0 character, and `\uXXXX` means the same inside its strings.
 */
export function neutraliseOutput(text: string, keepColor: boolean): string {
  ACTIVE_INLINE.lastIndex = 0;
  if (!ACTIVE_INLINE.test(text)) return text;
  let out = '';
  let at = 0;
  ACTIVE_INLINE.lastIndex = 0;
  for (let m = ACTIVE_INLINE.exec(text); m; m = ACTIVE_INLINE.exec(text)) {
    if (m.index < at) continue;
    out += text.slice(at, m.index);
    SGR.lastIndex = m.index;
    const color = keepColor && m[0] === '\u001b' ? SGR.exec(text) : null;
    if (color) {
      out += color[0];
      at = m.index + color[0].length;
    } else {
      out += escapeChar(m[0]);
      at = m.index + 1;
    }
  }
  return out + text.slice(at);
}

// What CommonMark and GFM give a meaning to inside a line (emphasis, code, links, images, table
// cells, strikethrough, math), plus `<`, `>` and `&`, which become HTML entities (a backslash does
// not stop raw HTML on every renderer). Fields never start a line, so `#`, `-`, `+` are left alone.
const MARKDOWN = /[\\`*_{}[\]()!|~$<>&]/g;
const ENTITY: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

/**
 * Repository text inside markdown (a table cell, a list item): shown as the same characters, never
 * as emphasis, a link, an image, HTML or a cell break. Control characters are escaped first.
 */
export function escapeMarkdown(text: string): string {
  return escapeTerminal(text).replace(MARKDOWN, (ch) => ENTITY[ch] ?? `\\${ch}`);
}

/**
 * Repository text as a markdown code span inside a table cell: the fence is one backtick longer than
 * any run of backticks in the text (so a backtick cannot close it), padded when the text starts or
 * ends with one; `|` is escaped (GFM splits cells before it parses spans). Inside a span HTML, links
 * and emphasis are literal text.
 */
export function markdownCode(text: string): string {
  const shown = escapeTerminal(text).replaceAll('|', '\\|');
  const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = shown.startsWith('`') || shown.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}
