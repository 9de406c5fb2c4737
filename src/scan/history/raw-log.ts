/**
 * `git log --raw -z -m` output, parsed by pure functions. Each commit is printed as
 * `\x01<header>\0\n` followed by raw entries `:<mode> <mode> <oid> <oid> <status>\0<path>\0`
 * (two paths for renames); a merge is printed once per parent, each with its diff to that parent.
 */
export const RECORD = '\x01';
const FIELD = '\x02';
/** `--format` for the header: commit, parents, author, author date. */
export const LOG_FORMAT = `${RECORD}%H${FIELD}%P${FIELD}%an <%ae>${FIELD}%aI`;

export interface RawEntry {
  /** `A`, `M`, `T`, `D`, `R100`… */
  status: string;
  newMode: string;
  newOid: string;
  path: string;
  /** For renames: where the content came from. */
  fromPath?: string;
}

export interface LogRecord {
  commit: string;
  parents: string[];
  author: string;
  date: string;
  entries: RawEntry[];
}

/** A header field `\x01<commit>\x02<parents>\x02<author>\x02<date>`; the author may hold any byte but NUL. */
function parseHeader(text: string): LogRecord | undefined {
  const fields = text.slice(1).split(FIELD);
  if (fields.length < 4) return undefined;
  const commit = fields[0]!;
  const parents = fields[1]!;
  const date = fields.at(-1)!;
  if (!/^[0-9a-f]{40,64}$/.test(commit)) return undefined;
  const author = fields.slice(2, -1).join(FIELD);
  return { commit, parents: parents ? parents.split(' ') : [], author, date: date.trim(), entries: [] };
}

/**
 * Turns `git log --raw -z` output into records, one NUL-separated field at a time: a field is a
 * header (`\x01…`), an entry's `:<meta>` (after a newline when it is the first of a commit), or
 * one of the one or two paths the meta announced. Paths are taken by count, never by what they
 * hold, so a file name with a newline, `\x01`, `:` or anything else but NUL cannot be mistaken
 * for a header or an entry. Feed it text as it streams; it returns the records it completed.
 */
export class RawLogParser {
  private pending = '';
  private record: LogRecord | undefined;
  private entry: RawEntry | undefined;
  /** Paths still owed to `entry`: 2 for renames and copies (from, to), else 1. */
  private owed = 0;
  private done: LogRecord[] = [];

  write(text: string): LogRecord[] {
    const buffer = this.pending + text;
    let start = 0;
    for (let nul = buffer.indexOf('\0'); nul !== -1; nul = buffer.indexOf('\0', start)) {
      this.field(buffer.slice(start, nul));
      start = nul + 1;
    }
    this.pending = buffer.slice(start);
    return this.take();
  }

  end(): LogRecord[] {
    if (this.pending) this.field(this.pending);
    this.pending = '';
    if (this.record) this.done.push(this.record);
    this.record = undefined;
    return this.take();
  }

  private take(): LogRecord[] {
    const done = this.done;
    this.done = [];
    return done;
  }

  private field(field: string): void {
    if (this.owed > 0 && this.entry) {
      if (this.owed === 2) this.entry.fromPath = field;
      else this.entry.path = field;
      if (--this.owed === 0) this.record?.entries.push(this.entry);
      return;
    }
    const text = field.startsWith('\n') ? field.slice(1) : field;
    if (text.startsWith(':')) {
      const [, newMode, , newOid, status] = text.slice(1).split(' ');
      this.entry = { status: status ?? '', newMode: newMode ?? '', newOid: newOid ?? '', path: '' };
      this.owed = status?.startsWith('R') || status?.startsWith('C') ? 2 : 1;
    } else if (text.startsWith(RECORD)) {
      if (this.record) this.done.push(this.record);
      this.record = parseHeader(text);
    }
  }
}

/** Parse all records of a whole output at once (tests, small ranges). */
export function parseLog(output: string): LogRecord[] {
  const parser = new RawLogParser();
  return [...parser.write(output), ...parser.end()];
}

/** Parse one record (text from one `\x01` header up to the next). */
export function parseLogRecord(text: string): LogRecord | undefined {
  return parseLog(text.startsWith(RECORD) ? text : `${RECORD}${text}`)[0];
}

/** Where a blob first appeared at a path: the commit whose tree diff brought it there. */
export interface Introduction {
  oid: string;
  path: string;
  commit: string;
  author: string;
  date: string;
}

const GITLINK = '160000';
const NULL_OID = /^0+$/;

/** Does this entry bring a new blob to its path? Exact renames carry content, they do not add it. */
function introduces(entry: RawEntry): boolean {
  if (entry.newMode === GITLINK || NULL_OID.test(entry.newOid)) return false;
  if (entry.status.startsWith('R') || entry.status.startsWith('C')) return entry.status !== 'R100';
  return entry.status !== 'D';
}

/**
 * Collects the records of each commit and decides what it introduced. A merge introduces a blob
 * at a path only when its diff against every parent shows it, i.e. the content is in none of the
 * parents: that is a conflict resolution (or an evil merge), attributed to the merge itself,
 * while content merged in from a branch stays attributed to the branch's commit.
 */
export class IntroductionCollector {
  private current: LogRecord | undefined;
  private counts = new Map<string, { entry: RawEntry; seen: number }>();

  constructor(
    private readonly emit: (introduction: Introduction) => void,
    private readonly wanted: (oid: string) => boolean = () => true,
  ) {}

  add(record: LogRecord): void {
    if (this.current && this.current.commit !== record.commit) this.flush();
    this.current ??= record;
    for (const entry of record.entries) {
      if (!introduces(entry) || !this.wanted(entry.newOid)) continue;
      const key = `${entry.newOid}\0${entry.path}`;
      const count = this.counts.get(key);
      if (count) count.seen++;
      else this.counts.set(key, { entry, seen: 1 });
    }
  }

  flush(): void {
    const record = this.current;
    if (!record) return;
    const needed = Math.max(1, record.parents.length);
    for (const { entry, seen } of this.counts.values()) {
      if (seen < needed) continue;
      this.emit({
        oid: entry.newOid,
        path: entry.path,
        commit: record.commit,
        author: record.author,
        date: record.date,
      });
    }
    this.current = undefined;
    this.counts.clear();
  }
}

/** Parse a whole `git log` output at once (tests, small ranges). */
export function introductionsOf(output: string, wanted?: (oid: string) => boolean): Introduction[] {
  const found: Introduction[] = [];
  const collector = new IntroductionCollector((i) => found.push(i), wanted);
  for (const record of parseLog(output)) collector.add(record);
  collector.flush();
  return found;
}
