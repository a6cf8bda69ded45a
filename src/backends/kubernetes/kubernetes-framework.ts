/** The `kubernetes` framework's definition: its name, help, options with defaults, and constructor. */
import type { FrameworkDefinition } from '../backend.js';
import { KUBERNETES_OPTIONS } from './kubernetes-options.js';

export const KUBERNETES_FRAMEWORK: FrameworkDefinition = {
  name: 'kubernetes',
  help:
    'Runs each task as one batch/v1 Job in a Kubernetes cluster, through the API server. There is ' +
    'no host here: a task that gives only a command runs in kubernetes.defaultImage. Executors run ' +
    'in order as init containers of one pod, with stdout and stderr kept apart; cores → cpu ' +
    'requests and limits, memory → a memory limit, cputime → RLIMIT_CPU through a static busybox ' +
    'the pod copies from kubernetes.toolsImage. Mounts are host paths inside allowedRoots or listed ' +
    'PersistentVolumeClaims (/pvc:NAME); ports are refused. Pods run as a non-root uid per task ' +
    'owner. States come from watches on the server’s own Jobs and Pods (label jobproxy.io/instance), ' +
    'so a restarted server re-attaches to its Jobs only; while the API server cannot be reached, ' +
    'tasks stay QUEUED and submits are retried.',
  options: [...KUBERNETES_OPTIONS],
  load: async () => (await import('./kubernetes-backend.js')).createKubernetesBackend,
};
