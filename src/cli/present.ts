import { scrubSecrets } from '../key/scrub.js';
import { escapeTerminal, neutraliseOutput } from '../shared/escape.js';

/**
 * The one door every byte of output goes through (stdout, stderr, a report file, progress): keys are
 * masked unless the user asked this report for them (`--show-secrets`; never on stderr), and control
 * characters that a name or message smuggled in are shown escaped. The scrubber's prefilter is a
 * literal search for `sk-ant-`, and hints never match, so a large JSON report costs one pass.
 */
export function present(text: string, options: { revealSecrets?: boolean; keepColor?: boolean } = {}): string {
  return neutraliseOutput(options.revealSecrets ? text : scrubSecrets(text), Boolean(options.keepColor));
}

/** keyguard's own progress prefix: back to column 0 and clear the line. */
const CLEAR_LINE = '\r\u001b[2K';

/**
 * A live progress writer that draws only keyguard's own clear-line prefix; everything after it is one
 * line of text, scrubbed and escaped like any other output.
 */
export function safeProgress(write: (text: string) => void): (text: string) => void {
  return (text) => {
    const cleared = text.startsWith(CLEAR_LINE);
    const body = cleared ? text.slice(CLEAR_LINE.length) : text;
    write((cleared ? CLEAR_LINE : '') + escapeTerminal(scrubSecrets(body)));
  };
}

/** One line of an error for stderr: escaped (a newline in a quoted name cannot forge a line), masked. */
export function errorLine(message: string): string {
  return escapeTerminal(scrubSecrets(message));
}
