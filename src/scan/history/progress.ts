/** The progress line for a history scan (a pure function of counters and elapsed time). */
export function progressLine(blobs: number, totalBlobs: number, bytes: number, totalBytes: number, ms: number): string {
  const mb = (n: number) => `${Math.round(n / 1048576)} MB`;
  const parts = [`history: ${blobs}/${totalBlobs} blobs`];
  if (totalBytes > 0) parts.push(`${mb(bytes)}/${mb(totalBytes)}`);
  if (bytes > 0 && totalBytes > bytes && ms > 500) {
    const eta = Math.ceil(((totalBytes - bytes) * ms) / bytes / 1000);
    parts.push(`ETA ${eta >= 60 ? `${Math.floor(eta / 60)}m${String(eta % 60).padStart(2, '0')}s` : `${eta}s`}`);
  }
  return parts.join(' · ');
}

/** A throttled writer of progress lines to stderr (at most ten a second), cleared at the end. */
export function progressReporter(write: ((text: string) => void) | undefined, totalBlobs: number, totalBytes: number) {
  if (!write) return { update: (_blobs: number, _bytes: number) => {}, done: () => {} };
  const started = performance.now();
  let last = 0;
  return {
    update(blobs: number, bytes: number) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      write(`\r\x1b[2K${progressLine(blobs, totalBlobs, bytes, totalBytes, now - started)}`);
    },
    done() {
      write('\r\x1b[2K');
    },
  };
}
