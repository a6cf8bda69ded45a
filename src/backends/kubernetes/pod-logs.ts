/**
 * Keeps a finished pod's output before the pod may go: each executor's stdout (its container's
 * log) and stderr (the log of its report step) are written to the task's output files, with the
 * rights of the task's identity where the server runs as root (src/backends/local/owner-files.ts).
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { TaskRecord } from '../../model/task.js';
import type { OutputFiles } from '../local/owner-files.js';
import type { KubeClients } from './kube-client.js';

/** More than this of one stream is not kept (the API server holds the whole log in one answer). */
export const MAX_LOG_BYTES = 64 * 1024 * 1024;

/** True when the container ran (a container that never started has no log to ask for). */
function started(pod: V1Pod, container: string): boolean {
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  const state = statuses.find((s) => s.name === container)?.state;
  return state?.running !== undefined || state?.terminated !== undefined;
}

async function readLog(
  clients: KubeClients,
  namespace: string,
  pod: V1Pod,
  container: string,
): Promise<string> {
  if (!started(pod, container)) return '';
  try {
    return await clients.core.readNamespacedPodLog({
      name: pod.metadata?.name ?? '',
      namespace,
      container,
      limitBytes: MAX_LOG_BYTES,
    });
  } catch (error) {
    // 400 "container … is waiting to start": a step that never ran has no output.
    if ((error as { code?: number }).code === 400) return '';
    throw error;
  }
}

async function writeOutput(path: string, text: string, files: OutputFiles): Promise<void> {
  await files.truncate(path);
  const file = await files.open(path);
  try {
    await file.write(Buffer.from(text, 'utf8'));
  } finally {
    await file.close();
  }
}

/** Reads every executor's stdout and stderr from the pod and writes them to the task's files. */
export async function saveOutputs(
  clients: KubeClients,
  namespace: string,
  pod: V1Pod,
  task: TaskRecord,
  files: OutputFiles,
): Promise<void> {
  for (const [i, paths] of task.logPaths.entries()) {
    const stdout = await readLog(clients, namespace, pod, `exec-${i}`);
    const stderr = await readLog(clients, namespace, pod, `stderr-${i}`);
    await writeOutput(paths.stdout, stdout, files);
    await writeOutput(paths.stderr, stderr, files);
  }
}
