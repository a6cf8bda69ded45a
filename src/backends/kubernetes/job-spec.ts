/**
 * Builds the batch/v1 Job of one task (a pure function of the task and the settings): one pod,
 * never retried by Kubernetes (JobProxy owns retries), its executors as init containers run in
 * order, then one report step per executor. Labels tie the Job to its task and to this server.
 */
import type { V1Container, V1Job, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import type { ExecutorSpec, MountSpec, TaskRecord } from '../../model/task.js';
import type { KubernetesSettings } from './kubernetes-options.js';
import {
  executorCommand,
  POD_DIR,
  reportCommand,
  toolsCommand,
  TOOLS_BUSYBOX,
} from './pod-scripts.js';

export const TASK_LABEL = 'jobproxy.io/task';
export const INSTANCE_LABEL = 'jobproxy.io/instance';
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'jobproxy' };
const POD_VOLUME = 'jobproxy';
/** A v1 mount host that names a PersistentVolumeClaim: /pvc:NAME or /pvc:NAME/sub/path. */
export const CLAIM_PREFIX = '/pvc:';

export interface JobFacts {
  task: TaskRecord;
  settings: KubernetesSettings;
  instance: string;
  /** The uid (and gid) the pod runs as. */
  uid: number;
}

/** The Job's name: one per task, so a repeated create is refused (409), never doubled. */
export function jobNameOf(taskId: string): string {
  return `jp-${taskId}`.toLowerCase();
}

/** "2" for whole cores, millicores otherwise. */
export function cpuQuantity(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.max(1, Math.round(cores * 1000))}m`;
}

/** The claim and sub path of a `/pvc:` mount host, or undefined for a host path. */
export function claimOf(host: string): { claim: string; subPath: string } | undefined {
  if (!host.startsWith(CLAIM_PREFIX)) return undefined;
  const rest = host.slice(CLAIM_PREFIX.length);
  const slash = rest.indexOf('/');
  return slash < 0
    ? { claim: rest, subPath: '' }
    : { claim: rest.slice(0, slash), subPath: rest.slice(slash + 1).replace(/^\/+/, '') };
}

/** Volumes and per-executor volume mounts for the executors' mounts (one volume per source). */
function planVolumes(): {
  volumes: V1Volume[];
  mountsOf: (executor: ExecutorSpec) => V1VolumeMount[];
} {
  const names = new Map<string, string>();
  const volumes: V1Volume[] = [];
  const volumeFor = (mount: MountSpec): { name: string; subPath: string } => {
    const claim = claimOf(mount.host);
    const key = claim ? `${CLAIM_PREFIX}${claim.claim}` : mount.host;
    let name = names.get(key);
    if (name === undefined) {
      name = `m${names.size}`;
      names.set(key, name);
      volumes.push(
        claim
          ? { name, persistentVolumeClaim: { claimName: claim.claim } }
          : { name, hostPath: { path: mount.host } },
      );
    }
    return { name, subPath: claim?.subPath ?? '' };
  };
  return {
    volumes,
    mountsOf: (executor) =>
      (executor.mounts ?? []).map((mount) => {
        const { name, subPath } = volumeFor(mount);
        const volumeMount: V1VolumeMount = {
          name,
          mountPath: mount.container,
          readOnly: mount.mode === 'ro',
        };
        if (subPath) volumeMount.subPath = subPath;
        return volumeMount;
      }),
  };
}

function resourcesOf(task: TaskRecord): V1Container['resources'] {
  const { cores, memoryMiB } = task.spec.resources;
  const amounts: Record<string, string> = {};
  if (cores !== undefined) amounts.cpu = cpuQuantity(cores);
  if (memoryMiB !== undefined) amounts.memory = `${Math.ceil(memoryMiB)}Mi`;
  return Object.keys(amounts).length > 0 ? { requests: amounts, limits: amounts } : undefined;
}

/** Where a task's pinned CPUs start: spread by task id, the same on every build of the Job. */
function pinOffset(taskId: string): number {
  return createHash('sha256').update(taskId).digest().readUInt16BE(0);
}

/** True when every executor runs in the tools image: its own busybox does, no copy needed. */
function allInToolsImage(facts: JobFacts): boolean {
  const { settings } = facts;
  return facts.task.spec.executors.every(
    (e) => (e.image ?? settings.defaultImage) === settings.toolsImage,
  );
}

function executorContainer(facts: JobFacts, index: number, mounts: V1VolumeMount[]): V1Container {
  const { task, settings } = facts;
  const executor = task.spec.executors[index]!;
  const cores = task.spec.resources.cores;
  const pin =
    settings.bindCores && cores !== undefined && Number.isInteger(cores) ? cores : undefined;
  const script = {
    index,
    ignoreError: executor.ignoreError === true,
    cputimeSec: task.spec.resources.cputimeSec,
    pinCores: pin,
    pinOffset: pinOffset(task.id),
    busybox: allInToolsImage(facts) ? TOOLS_BUSYBOX : undefined,
  };
  const container: V1Container = {
    name: `exec-${index}`,
    image: executor.image ?? settings.defaultImage,
    imagePullPolicy: settings.imagePullPolicy,
    command: executorCommand(script, executor.command, executor.stdin),
    volumeMounts: [{ name: POD_VOLUME, mountPath: POD_DIR }, ...mounts],
    securityContext: { allowPrivilegeEscalation: false },
  };
  if (executor.workdir) container.workingDir = executor.workdir;
  if (executor.env) {
    container.env = Object.entries(executor.env).map(([name, value]) => ({ name, value }));
  }
  const resources = resourcesOf(task);
  if (resources) container.resources = resources;
  return container;
}

function stepContainer(facts: JobFacts, name: string, command: string[]): V1Container {
  return {
    name,
    image: facts.settings.toolsImage,
    imagePullPolicy: facts.settings.imagePullPolicy,
    command,
    volumeMounts: [{ name: POD_VOLUME, mountPath: POD_DIR }],
    securityContext: { allowPrivilegeEscalation: false },
  };
}

/** The Job for a task (without ttlSecondsAfterFinished: that is set once its outcome is stored). */
export function buildJob(facts: JobFacts): V1Job {
  const { task, settings, instance, uid } = facts;
  const labels = { ...MANAGED_BY, [TASK_LABEL]: task.id, [INSTANCE_LABEL]: instance };
  const executors = task.spec.executors;
  const { volumes, mountsOf } = planVolumes();
  const tools = allInToolsImage(facts)
    ? []
    : [stepContainer(facts, 'jobproxy-tools', toolsCommand())];
  const initContainers = [
    ...tools,
    ...executors.map((executor, i) => executorContainer(facts, i, mountsOf(executor))),
  ];
  const containers = executors.map((_, i) =>
    stepContainer(facts, `stderr-${i}`, reportCommand(i, executors.length)),
  );
  const podSpec: NonNullable<V1Job['spec']>['template']['spec'] = {
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: settings.killGrace,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: { runAsUser: uid, runAsGroup: uid, runAsNonRoot: true },
    initContainers,
    containers,
    volumes: [{ name: POD_VOLUME, emptyDir: {} }, ...volumes],
  };
  if (settings.serviceAccount) podSpec.serviceAccountName = settings.serviceAccount;
  if (Object.keys(settings.nodeSelector).length > 0) podSpec.nodeSelector = settings.nodeSelector;
  if (settings.tolerations.length > 0) podSpec.tolerations = settings.tolerations;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameOf(task.id),
      namespace: settings.namespace,
      labels,
      annotations: { 'jobproxy.io/owner': task.spec.user },
    },
    spec: {
      backoffLimit: 0,
      completions: 1,
      parallelism: 1,
      template: { metadata: { labels }, spec: podSpec },
    },
  };
}
