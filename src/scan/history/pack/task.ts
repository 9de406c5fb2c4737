import { PackReader } from './pack-reader.js';
import { TaskRun } from './task-run.js';
import { MAX_REBUILT, type PackTask, type PackTaskReply } from './task-types.js';

/**
 * Rebuild and scan the wanted blobs of a task (see TaskRun): the pack is read through a
 * PackReader, bases are kept for their deltas in a DeltaCache, and every blob is rebuilt once.
 * A pack that cannot be opened hands every blob back to git. `onProgress` hears the blobs and
 * bytes done so far, now and then, before the task ends.
 */
export async function runPackTask(
  task: PackTask,
  onProgress?: (blobs: number, bytes: number) => void,
): Promise<PackTaskReply> {
  let reader: PackReader;
  try {
    reader = PackReader.open(task, task.maxRebuilt ?? MAX_REBUILT);
  } catch {
    const fallback = task.sizes.flatMap((size, i) => (size >= 0 ? [i] : []));
    return { hits: [], blobs: 0, bytes: 0, fallback, streamed: 0, fromParts: 0 };
  }
  try {
    return await new TaskRun(task, reader, onProgress).run();
  } finally {
    reader.close();
  }
}
