import { BODY_ALPHABET, FIXED_BODY, FIXED_SUFFIX, fixedKeyLength, isFixedKind, KEY_PREFIX } from '../key/format.js';
import { isPlaceholderBody } from '../key/placeholders.js';

/**
 * Is a value an Anthropic key, and if not, which copy-paste mistake made it wrong? A pure function
 * over the value; it never echoes the value, only says what is wrong with it.
 */
export type Expected = 'api' | 'admin';

export interface Problem {
  code: string;
  message: string;
}

export interface Diagnosis {
  /** The value with copy-paste wrapping removed (quotes, spaces, newline, `Bearer `): what the key would be. */
  core: string;
  /** `api03`, `admin01`, `oat01`… when the value has the sk-ant- shape. */
  kind?: string;
  problems: Problem[];
  /** True when the only problems are wrapping: the key inside looks right. */
  coreWellFormed: boolean;
}

const PREFIX = KEY_PREFIX;
const NAMES: Record<Expected, string> = {
  api: 'an API key (sk-ant-api03-…)',
  admin: 'an Admin API key (sk-ant-admin01-…)',
};

/** Describe an unexpected character without printing the value around it. */
function describeChar(ch: string): string {
  const names: Record<string, string> = {
    ' ': 'a space',
    '\t': 'a tab',
    '\n': 'a line break',
    '\r': 'a carriage return',
    '…': 'an ellipsis (…), as in a shortened hint',
    '.': 'a dot',
    '+': 'a "+" (keys use base64url: - and _)',
    '/': 'a "/" (keys use base64url: - and _)',
    '=': 'an "="',
  };
  return names[ch] ?? `"${ch}" (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** Strip what copying from a terminal, a header or a config line adds around a key. */
function unwrap(raw: string, problems: Problem[]): string {
  let value = raw;
  if (/[\r\n]$/.test(value)) {
    problems.push({ code: 'newline', message: 'ends with a line break: the key was copied with the newline after it' });
  }
  if (/^[ \t]|[ \t]+[\r\n]*$/.test(value)) {
    problems.push({ code: 'whitespace', message: 'has spaces or tabs around it' });
  }
  value = value.trim();
  const quoted = /^(["'`])([\s\S]*)\1$/.exec(value);
  if (quoted) {
    problems.push({
      code: 'quotes',
      message: `is wrapped in quotes (${quoted[1]}…${quoted[1]}), which become part of the key`,
    });
    value = quoted[2]!.trim();
  } else if (/^["'`]|["'`]$/.test(value)) {
    problems.push({ code: 'quotes', message: 'has a stray quote at one end' });
    value = value.replace(/^["'`]|["'`]$/g, '').trim();
  }
  const assignment = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*/.exec(value);
  if (assignment) {
    problems.push({
      code: 'assignment',
      message: `includes "${assignment[1]}=": the whole line was pasted as the value`,
    });
    value = value.slice(assignment[0].length).replace(/^["'](.*)["']$/, '$1');
  }
  const header = /^(?:authorization:\s*)?bearer\s+/i.exec(value) ?? /^x-api-key:\s*/i.exec(value);
  if (header) {
    problems.push({ code: 'bearer', message: `starts with "${header[0].trim()}": the key is sent without it` });
    value = value.slice(header[0].length).trim();
  }
  return value;
}

function shapeProblems(core: string, expected: Expected): { kind?: string; problems: Problem[] } {
  if (core === '') return { problems: [{ code: 'empty', message: 'is empty' }] };
  if (core.startsWith(PREFIX) && (core.includes('...') || core.includes('…'))) {
    return {
      problems: [{ code: 'hint', message: 'is a shortened hint (sk-ant-api03-abc...wxyz), not the whole key' }],
    };
  }
  if (/^<.*>$|^your[-_ ]|^(?:changeme|xxx+|\.\.\.|todo|placeholder)$/i.test(core)) {
    return { problems: [{ code: 'placeholder', message: 'is a placeholder, not a key' }] };
  }
  if (!core.startsWith(PREFIX)) {
    if (/^sk-(?:proj-|svcacct-|[A-Za-z0-9]{20,}$)/.test(core)) {
      return {
        problems: [{ code: 'other-provider', message: 'looks like an OpenAI key (sk-…), not an Anthropic one' }],
      };
    }
    return {
      problems: [{ code: 'wrong-prefix', message: `does not start with ${PREFIX}: expected ${NAMES[expected]}` }],
    };
  }
  const match = /^([a-z]+\d{2})-([\s\S]*)$/.exec(core.slice(PREFIX.length));
  if (!match)
    return { problems: [{ code: 'wrong-prefix', message: `has no key kind after ${PREFIX} (expected api03-)` }] };
  const [, kind, body] = match as unknown as [string, string, string];
  if (isPlaceholderBody(body) && body.length > 0) {
    return { kind, problems: [{ code: 'placeholder', message: 'is a placeholder, not a key' }] };
  }
  const problems: Problem[] = [];
  if (kind === 'admin01' && expected === 'api') {
    problems.push({
      code: 'admin-key',
      message: 'is an Admin API key where an API key is expected: admin keys cannot call the Messages API',
    });
  } else if (kind === 'api03' && expected === 'admin') {
    problems.push({ code: 'api-key', message: 'is an API key where an Admin API key (sk-ant-admin01-…) is expected' });
  } else if (kind === 'oat01' || kind === 'ort01') {
    const what = kind === 'oat01' ? 'an OAuth access token' : 'an OAuth refresh token';
    return {
      kind,
      problems: [
        {
          code: 'oauth-token',
          message: `is ${what} (Claude Code sign-in), not an API key: create an API key in the Claude Console`,
        },
      ],
    };
  } else if (kind === 'sid01') {
    return {
      kind,
      problems: [
        {
          code: 'session-key',
          message: 'is a claude.ai session cookie, not an API key (and it signs in as you: log out to end it)',
        },
      ],
    };
  } else if (!isFixedKind(kind)) {
    return {
      kind,
      problems: [{ code: 'unknown-kind', message: `has an unknown key kind "${kind}" (expected api03)` }],
    };
  }
  const bad = [...body].find((ch) => !BODY_ALPHABET.includes(ch));
  if (bad !== undefined) problems.push({ code: 'bad-characters', message: `contains ${describeChar(bad)}` });
  const length = core.length;
  if (body.length < FIXED_BODY) {
    problems.push({
      code: 'truncated',
      message: `is truncated: ${length} characters, a whole key has ${fixedKeyLength(kind)}`,
    });
  } else if (body.length > FIXED_BODY) {
    problems.push({
      code: 'too-long',
      message: `is ${length} characters, a key has ${fixedKeyLength(kind)}: something was pasted onto it`,
    });
  } else if (!body.endsWith(FIXED_SUFFIX)) {
    problems.push({
      code: 'bad-suffix',
      message: 'does not end in "AA" as every key does: the end was cut or changed',
    });
  }
  return { kind, problems };
}

export function diagnoseKey(raw: string, expected: Expected = 'api'): Diagnosis {
  const wrapping: Problem[] = [];
  const core = unwrap(raw, wrapping);
  const shape = shapeProblems(core, expected);
  return {
    core,
    kind: shape.kind,
    problems: [...wrapping, ...shape.problems],
    coreWellFormed: shape.problems.length === 0,
  };
}
