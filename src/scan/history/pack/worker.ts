import { parentPort } from 'node:worker_threads';
import { type PackTask, runPackTask } from './task.js';

/** A pack-reading thread: takes tasks, rebuilds and scans their blobs, sends back what it found. */
const port = parentPort;
if (port) {
  port.on('message', (task: PackTask) => {
    void runPackTask(task).then((reply) => port.postMessage(reply));
  });
}
