import { constants } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { containsSecret } from '../key/scrub.js';
import { KeyguardError } from '../shared/errors.js';
import { acquireLock, describeHolder, LockHeldError } from '../shared/lock-file.js';
import { type AuditActor, type AuditEvent, type AuditRecord, GENESIS_HASH, hashEvent, sealEvent } from './event.js';

/** The audit log cannot be written or read; the message says which file and why. */
export class AuditError extends KeyguardError {}

const TAIL_BYTES = 64 * 1024;
const LOCK_WAIT_MS = 10_000;

/** The last event of the log (for seq and prevHash), read from the tail so appends stay cheap. */
async function lastEvent(file: string): Promise<AuditEvent | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return undefined;
    let length = Math.min(size, TAIL_BYTES);
    for (;;) {
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, size - length);
      const lines = buf.toString('utf8').split('\n');
      while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
      // The first line of a partial window may be cut; it is whole only when the window is the file.
      if (lines.length > 1 || length === size) {
        const last = lines.at(-1);
        if (last === undefined) return undefined;
        try {
          return JSON.parse(last) as AuditEvent;
        } catch {
          throw new AuditError(`the audit log ${file} ends with a damaged line; run keyguard audit verify ${file}.`);
        }
      }
      length = Math.min(size, length * 4);
    }
  } finally {
    await handle.close();
  }
}

const APPEND_NOFOLLOW = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/**
 * Append one event: under a lock file, read the tail for seq/prevHash, then write one line with
 * O_APPEND and fsync, in a file of mode 0600. Refuses an event that holds a credential.
 */
export async function appendEvent(file: string, record: AuditRecord, actor: AuditActor): Promise<AuditEvent> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let release: () => Promise<void>;
  try {
    release = await acquireLock(`${file}.lock`, { purpose: 'audit append', waitMs: LOCK_WAIT_MS });
  } catch (error) {
    if (error instanceof LockHeldError) {
      throw new AuditError(`the audit log ${file} is locked by ${describeHolder(error.holder)}.`);
    }
    throw new AuditError(`cannot lock the audit log ${file} (${(error as NodeJS.ErrnoException).code}).`);
  }
  try {
    const prev = await lastEvent(file);
    const event = sealEvent(record, prev, actor);
    const line = `${JSON.stringify(event)}\n`;
    if (containsSecret(line)) throw new AuditError('refusing to write an audit event that holds a key.');
    // O_NOFOLLOW: the audit path may come from a committed config; never append through a planted link.
    const handle = await open(file, APPEND_NOFOLLOW, 0o600);
    try {
      await handle.chmod(0o600).catch(() => {});
      await handle.write(line);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return event;
  } catch (error) {
    if (error instanceof AuditError) throw error;
    throw new AuditError(`cannot write the audit log ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  } finally {
    await release();
  }
}

export interface ChainCheck {
  ok: boolean;
  events: number;
  /** 1-based line number of the first line that breaks the chain, and why. */
  firstBad?: { line: number; reason: string };
  lastHash: string;
}

/** Recompute the hash chain of a whole log text. */
export function verifyChain(text: string): ChainCheck {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let prev: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  let events = 0;
  const bad = (line: number, reason: string): ChainCheck => ({
    ok: false,
    events,
    firstBad: { line, reason },
    lastHash: prev.hash,
  });
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    let event: AuditEvent;
    try {
      event = JSON.parse(raw) as AuditEvent;
    } catch {
      return bad(line, 'not valid JSON');
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) return bad(line, 'not an event object');
    if (containsSecret(raw)) return bad(line, 'holds a key');
    if (event.prevHash !== prev.hash)
      return bad(line, 'prevHash does not match the previous line (a line was removed, reordered or changed)');
    if (event.seq !== prev.seq + 1) return bad(line, `seq ${event.seq} should be ${prev.seq + 1}`);
    if (typeof event.hash !== 'string' || hashEvent(event) !== event.hash)
      return bad(line, 'hash does not match the content (the line was edited)');
    prev = { seq: event.seq, hash: event.hash };
    events++;
  }
  return { ok: true, events, lastHash: prev.hash };
}

/** Every event of a log; a missing file is an empty log. */
export async function readEvents(file: string): Promise<AuditEvent[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new AuditError(`cannot read the audit log ${file} (${(error as NodeJS.ErrnoException).code}).`);
  }
  const events: AuditEvent[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      events.push(JSON.parse(raw) as AuditEvent);
    } catch {
      // audit list shows what it can read; audit verify is the command that judges the file.
    }
  }
  return events;
}
