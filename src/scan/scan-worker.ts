import { parentPort } from 'node:worker_threads';
import { secretOf } from './finding.js';
import type { WorkerReply, WorkerTask } from './parallel.js';
import { scanFile } from './sources/files.js';
import type { ScanTarget } from './sources/source.js';

/**
 * One scanning thread: takes batches of files, scans them, and sends back findings with their keys
 * (the keys stay in this process's memory: they cross to the main thread, never to any output).
 */
const port = parentPort;
if (port) {
  port.on('message', (task: WorkerTask) => {
    const results: WorkerReply['results'] = [];
    for (const [index, target] of task.targets as Array<[number, ScanTarget]>) {
      const result = scanFile(target, { path: target.path, reachability: ['worktree'] }, task.maxBytes);
      results.push({ index, result, secrets: result.findings.map((f) => secretOf(f) ?? '') });
    }
    port.postMessage({ results } satisfies WorkerReply);
  });
}
