import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { attachSecret } from './finding.js';
import type { FileScanResult } from './sources/files.js';
import type { ScanTarget } from './sources/source.js';

/**
 * Large working-tree scans use every core: the detector is CPU-bound (literal searches over every
 * byte), so files are handed out in small batches to worker threads, each reading and scanning its
 * own files. Small scans stay on the main thread, where starting threads would cost more than it saves.
 */
export interface WorkerTask {
  targets: Array<[number, ScanTarget]>;
  maxBytes: number;
}

export interface WorkerReply {
  results: Array<{ index: number; result: FileScanResult; secrets: string[] }>;
}

/** Fewer files than this are scanned on the main thread. */
export const PARALLEL_MIN_FILES = 200;
/** Each thread gets about this many batches: few messages (each costs), yet balanced at the end. */
const BATCHES_PER_THREAD = 8;
const WORKER_URL = new URL('./scan-worker.js', import.meta.url);

/** Threads are possible only from the built package (a worker is compiled JavaScript). */
export function workerBuilt(url: URL): boolean {
  return url.protocol === 'file:' && existsSync(fileURLToPath(url));
}

export function workersAvailable(): boolean {
  return workerBuilt(WORKER_URL);
}

export async function scanFilesInWorkers(
  targets: ScanTarget[],
  threads: number,
  maxBytes: number,
  onResult: (result: FileScanResult) => void,
): Promise<FileScanResult[]> {
  const results = new Array<FileScanResult>(targets.length);
  let next = 0;
  const batchSize = Math.max(16, Math.ceil(targets.length / (Math.max(1, threads) * BATCHES_PER_THREAD)));
  const take = (): WorkerTask | undefined => {
    if (next >= targets.length) return undefined;
    const batch: Array<[number, ScanTarget]> = [];
    for (; next < targets.length && batch.length < batchSize; next++) batch.push([next, targets[next]!]);
    return { targets: batch, maxBytes };
  };
  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(WORKER_URL);
      let finished = false;
      const send = () => {
        const task = take();
        if (task) worker.postMessage(task);
        else {
          finished = true;
          void worker.terminate().then(() => resolve());
        }
      };
      worker.on('exit', (code) => {
        if (!finished) reject(new Error(`a scanning thread stopped unexpectedly (exit code ${code})`));
      });
      worker.on('message', (reply: WorkerReply) => {
        for (const { index, result, secrets } of reply.results) {
          result.findings.forEach((finding, i) => {
            attachSecret(finding, secrets[i]!);
          });
          results[index] = result;
          onResult(result);
        }
        send();
      });
      worker.on('error', reject);
      send();
    });
  await Promise.all(Array.from({ length: Math.max(1, threads) }, runWorker));
  return results;
}
