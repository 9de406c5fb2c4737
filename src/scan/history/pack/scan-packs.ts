import { Worker } from 'node:worker_threads';
import type { ContentResult } from '../../content.js';
import { attachSecret } from '../../finding.js';
import { workerBuilt } from '../../parallel.js';
import type { BlobEntry } from '../enumerate.js';
import type { PackPlan } from './plan.js';
import { runPackTask } from './task.js';
import type { PackTaskReply } from './task-types.js';
import type { WorkerMessage } from './worker.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);

export interface PackScan {
  hits: Map<string, ContentResult>;
  blobs: number;
  bytes: number;
  /** Blobs the pack readers could not rebuild: read them through git. */
  fallback: BlobEntry[];
}

/**
 * Run the plan's tasks on `threads` worker threads, each taking the next task when done, and
 * merge what they found. Without a built worker (tests run the sources) the tasks run here.
 */
export async function scanPacks(
  plan: PackPlan,
  threads: number,
  progress: (blobs: number, bytes: number) => void,
  onBlob?: (oid: string, hit: boolean) => void,
): Promise<PackScan> {
  const scan: PackScan = { hits: new Map(), blobs: 0, bytes: 0, fallback: [] };
  const merge = (t: number, reply: PackTaskReply) => {
    const { oids, task } = plan.tasks[t]!;
    for (const [i, result, secrets] of reply.hits) {
      result.findings.forEach((finding, k) => {
        attachSecret(finding, secrets[k]!);
      });
      scan.hits.set(oids[i]!, result);
    }
    for (const i of reply.fallback) scan.fallback.push({ oid: oids[i]!, size: task.sizes[i]! });
    if (onBlob) {
      const settled = new Set([...reply.fallback, ...reply.hits.map(([i]) => i)]);
      for (const [i] of reply.hits) onBlob(oids[i]!, true);
      task.sizes.forEach((size, i) => {
        if (size >= 0 && !settled.has(i)) onBlob(oids[i]!, false);
      });
    }
    scan.blobs += reply.blobs;
    scan.bytes += reply.bytes;
    report();
  };
  /** Blobs and bytes done by each thread's current task, reported before the task ends. */
  const partial = new Map<number, [number, number]>();
  const report = () => {
    let [blobs, bytes] = [scan.blobs, scan.bytes];
    for (const [b, n] of partial.values()) {
      blobs += b;
      bytes += n;
    }
    progress(blobs, bytes);
  };

  if (!workerBuilt(WORKER_URL) || threads < 1) {
    for (let t = 0; t < plan.tasks.length; t++) {
      const done = await runPackTask(plan.tasks[t]!.task, (blobs, bytes) => {
        partial.set(0, [blobs, bytes]);
        report();
      });
      partial.delete(0);
      merge(t, done);
    }
    return scan;
  }
  // Largest first, so that one big family does not finish last on its own.
  const weight = (t: number) => plan.tasks[t]!.task.sizes.reduce((sum, size) => sum + Math.max(0, size), 0);
  const order = plan.tasks.map((_, t) => t).sort((a, b) => weight(b) - weight(a));
  let next = 0;
  let workerIds = 0;
  /** A thread that dies (it should not) costs only its task: those blobs go to git instead. */
  const giveUp = (t: number) => {
    const { oids, task } = plan.tasks[t]!;
    task.sizes.forEach((size, i) => {
      if (size >= 0) scan.fallback.push({ oid: oids[i]!, size });
    });
  };
  const runWorker = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const worker = new Worker(WORKER_URL);
      const id = workerIds++;
      let current = -1;
      let done = false;
      const send = () => {
        if (next < order.length) {
          current = order[next++]!;
          worker.postMessage(plan.tasks[current]!.task);
        } else {
          done = true;
          void worker.terminate().then(() => resolve());
        }
      };
      const died = () => {
        if (done) return;
        done = true;
        partial.delete(id);
        if (current >= 0) giveUp(current);
        void worker.terminate();
        resolve(runWorker());
      };
      worker.on('message', (message: WorkerMessage) => {
        if ('progress' in message) {
          partial.set(id, message.progress);
          return report();
        }
        partial.delete(id);
        merge(current, message.done);
        current = -1;
        send();
      });
      worker.on('error', died);
      worker.on('exit', died);
      send();
    });
  await Promise.all(Array.from({ length: Math.min(threads, plan.tasks.length) }, runWorker));
  return scan;
}
