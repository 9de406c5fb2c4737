import { parentPort } from 'node:worker_threads';
import { runPackTask } from './task.js';
import type { PackTask, PackTaskReply } from './task-types.js';

/**
 * A pack-reading thread: takes tasks, rebuilds and scans their blobs, says now and then how far it
 * is, and sends back what it found.
 */
export type WorkerMessage = { progress: [blobs: number, bytes: number] } | { done: PackTaskReply };

const port = parentPort;
if (port) {
  port.on('message', (task: PackTask) => {
    const progress = (blobs: number, bytes: number) =>
      port.postMessage({ progress: [blobs, bytes] } satisfies WorkerMessage);
    void runPackTask(task, progress).then((done) => port.postMessage({ done } satisfies WorkerMessage));
  });
}
