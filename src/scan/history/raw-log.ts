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

/** Parse one record (text from one `\x01` to the next). */
export function parseLogRecord(text: string): LogRecord | undefined {
  const body = text.startsWith(RECORD) ? text.slice(1) : text;
  const fields = body.split('\0');
  const [commit, parents, author, date] = (fields[0] ?? '').split(FIELD);
  if (!commit || date === undefined) return undefined;
  const entries: RawEntry[] = [];
  for (let i = 1; i < fields.length; i++) {
    const meta = fields[i]!.replace(/^\n/, '');
    if (!meta.startsWith(':')) continue;
    const [, newMode, , newOid, status] = meta.slice(1).split(' ');
    const twoPaths = status?.startsWith('R') || status?.startsWith('C');
    const first = fields[i + 1] ?? '';
    const entry: RawEntry = { status: status ?? '', newMode: newMode ?? '', newOid: newOid ?? '', path: first };
    if (twoPaths) {
      entry.fromPath = first;
      entry.path = fields[i + 2] ?? '';
    }
    entries.push(entry);
    i += twoPaths ? 2 : 1;
  }
  return { commit, parents: parents ? parents.split(' ') : [], author: author ?? '', date: date.trim(), entries };
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
  for (const part of output.split(RECORD)) {
    const record = parseLogRecord(part);
    if (record) collector.add(record);
  }
  collector.flush();
  return found;
}
