/**
 * The calls on one Job beside its creation: remove it and wait until it and its pod are gone
 * (cancel), give a finished one its TTL, remove one whose pod cannot finish, and tell whether a
 * Job that already exists is this server's own.
 */
import { statusOf } from './api-errors.js';
import { INSTANCE_LABEL } from './job-spec.js';
import type { KubeClients } from './kube-client.js';
import { setTimeout as pause } from 'node:timers/promises';

/** Deletes the Job (foreground: its pod first); true once a read answers 404. */
export async function deleteJobAndWait(
  clients: KubeClients,
  namespace: string,
  name: string,
  gracePeriodSeconds: number,
  deadline: number,
): Promise<boolean> {
  try {
    await clients.batch.deleteNamespacedJob({
      name,
      namespace,
      propagationPolicy: 'Foreground',
      gracePeriodSeconds,
    });
  } catch (error) {
    if (statusOf(error) === 404) return true;
    throw error;
  }
  while (Date.now() < deadline) {
    try {
      await clients.batch.readNamespacedJob({ name, namespace });
    } catch (error) {
      if (statusOf(error) === 404) return true;
      throw error;
    }
    await pause(250);
  }
  return false;
}

/** Lets Kubernetes remove a finished Job (and its pod) `seconds` from now. */
export async function expireJob(
  clients: KubeClients,
  namespace: string,
  name: string,
  seconds: number,
): Promise<void> {
  const patch = [{ op: 'add', path: '/spec/ttlSecondsAfterFinished', value: seconds }];
  await clients.batch.patchNamespacedJob({ name, namespace, body: patch });
}

/** Removes a Job whose pod will never finish (a stopped sandbox, an image that is not there). */
export async function removeJob(clients: KubeClients, namespace: string, name: string) {
  await clients.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' });
}

/** True when the Job named `name` carries this server's instance label. */
export async function isOurJob(
  clients: KubeClients,
  namespace: string,
  name: string,
  instance: string,
): Promise<boolean> {
  const job = await clients.batch.readNamespacedJob({ name, namespace });
  return job.metadata?.labels?.[INSTANCE_LABEL] === instance;
}
