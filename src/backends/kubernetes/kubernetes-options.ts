/**
 * The kubernetes framework's options (config keys under `kubernetes.`), with their defaults, and
 * the typed settings the backend reads from them.
 */
import type { FrameworkOption } from '../backend.js';

/** What the backend needs from its options, already typed. */
export interface KubernetesSettings {
  /** A kubeconfig file; empty: $KUBECONFIG, ~/.kube/config, then the in-cluster service account. */
  kubeconfig: string;
  /** The kubeconfig context to use (empty: its current context). */
  context: string;
  /** Empty: the kubeconfig context's namespace, else the pod's own, else `default`. */
  namespace: string;
  /** The image of a task that gives a command and no image. */
  defaultImage: string;
  /** The image whose static /bin/busybox runs the wrapper around each executor. */
  toolsImage: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  serviceAccount: string;
  nodeSelector: Record<string, string>;
  tolerations: Record<string, unknown>[];
  /** Seconds between SIGTERM and SIGKILL when a pod is stopped. */
  killGrace: number;
  /** Seconds a finished Job stays after JobProxy stored its outcome. */
  ttlAfterFinished: number;
  /** Seconds a pod may stay unschedulable before the task ends SYSTEM_ERROR. */
  unschedulableTimeout: number;
  /** Seconds a submit keeps being retried while the API server cannot be reached. */
  submitRetryDeadline: number;
  /** Seconds between two full lists of the instance's Jobs and Pods (beside the watches). */
  resyncInterval: number;
  /** The uids tasks run as, one per owner: [first, last]. */
  uidRange: [number, number];
  /** PersistentVolumeClaims a task may mount (`/pvc:NAME[/sub/path]`). */
  allowedClaims: string[];
  /** Pin a task that asked for N whole cores to N CPUs inside its container. */
  bindCores: boolean;
  submitConcurrency: number;
  /** Label value that marks this server's Jobs (empty: an id kept in the work directory). */
  instance: string;
}

export const KUBERNETES_OPTIONS: readonly FrameworkOption[] = [
  {
    key: 'kubeconfig',
    default: '',
    help: 'kubeconfig file (empty: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account of a pod)',
  },
  { key: 'context', default: '', help: "kubeconfig context (empty: the file's current context)" },
  {
    key: 'namespace',
    default: '',
    help: "namespace the Jobs are created in (empty: the kubeconfig context's, else the server pod's own, else default)",
  },
  {
    key: 'defaultImage',
    default: 'busybox:1.36',
    help: 'image a task that gives a command but no container runs in (there is no host here); it needs /bin/sh',
  },
  {
    key: 'toolsImage',
    default: '',
    help: 'image with a static /bin/busybox, copied into each pod to run the wrapper that keeps stderr apart, applies cputime and records exit codes (empty: defaultImage)',
  },
  {
    key: 'imagePullPolicy',
    default: 'IfNotPresent',
    help: 'imagePullPolicy of every container: Always, IfNotPresent or Never (a cluster without a registry needs Never or IfNotPresent)',
  },
  {
    key: 'serviceAccount',
    default: '',
    help: "service account the task pods run as (empty: the namespace's default); its token is not mounted",
  },
  {
    key: 'nodeSelector',
    default: '',
    help: 'node labels the pods must match, key=value pairs separated by commas (disktype=ssd,zone=a)',
  },
  {
    key: 'tolerations',
    default: '',
    help: 'tolerations of the pods as a JSON list ([{"key":"gpu","operator":"Exists","effect":"NoSchedule"}])',
  },
  {
    key: 'killGrace',
    default: 2,
    help: 'terminationGracePeriodSeconds of the pods: seconds between SIGTERM and SIGKILL on cancel',
  },
  {
    key: 'ttlAfterFinished',
    default: 300,
    help: 'seconds a finished Job (and its pod) stays once JobProxy stored its outcome and output',
  },
  {
    key: 'unschedulableTimeout',
    default: 300,
    help: 'seconds a pod may stay unschedulable (no node fits) before the task ends SYSTEM_ERROR',
  },
  {
    key: 'submitRetryDeadline',
    default: 600,
    help: 'seconds after acceptance a task stays QUEUED while the API server cannot be reached or answers 5xx/429; then SYSTEM_ERROR',
  },
  {
    key: 'resyncInterval',
    default: 30,
    help: "seconds between two full lists of this server's Jobs and Pods, beside the watches",
  },
  {
    key: 'uidRange',
    default: '61000-61999',
    help: 'uids the pods run as, one per task owner (a stable hash of the name); never root',
  },
  {
    key: 'allowedClaims',
    default: '',
    help: 'PersistentVolumeClaims a task may mount as /pvc:NAME[/sub/path], comma-separated (empty: none)',
  },
  {
    key: 'bindCores',
    default: true,
    help: 'pin a task that asked for N whole cores to N CPUs in its container (the cpu limit alone is a CFS quota over every CPU)',
  },
  { key: 'submitConcurrency', default: 8, help: 'Job creations in flight at the same time' },
  {
    key: 'instance',
    default: '',
    help: "label value marking this server's Jobs; a restarted server re-attaches to these only (empty: an id kept in the work directory)",
  },
];

function text(options: Record<string, unknown>, key: string, fallback = ''): string {
  const value = options[key];
  return (value === undefined || value === null ? fallback : String(value)).trim();
}

function positive(options: Record<string, unknown>, key: string, fallback: number): number {
  const value = Number(options[key]);
  return Number.isFinite(value) && value >= 0 && options[key] !== '' ? value : fallback;
}

/** "a=b,c=d" → {a: 'b', c: 'd'}; throws naming the option on a malformed pair. */
export function parseNodeSelector(value: string): Record<string, string> {
  const selector: Record<string, string> = {};
  for (const pair of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`kubernetes.nodeSelector: "${pair}" is not key=value`);
    selector[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return selector;
}

function parseTolerations(value: string): Record<string, unknown>[] {
  if (value === '') return [];
  const parsed: unknown = JSON.parse(value);
  if (!Array.isArray(parsed) || !parsed.every((t) => typeof t === 'object' && t !== null)) {
    throw new Error('kubernetes.tolerations: must be a JSON list of objects');
  }
  return parsed as Record<string, unknown>[];
}

/** "61000-61999" → [61000, 61999]; throws on a range that includes root or is reversed. */
export function parseUidRange(value: string): [number, number] {
  const match = /^(\d+)\s*-\s*(\d+)$/.exec(value.trim());
  const first = Number(match?.[1]);
  const last = Number(match?.[2]);
  if (!match || first < 1 || last < first || last > 2 ** 31 - 1) {
    throw new Error(`kubernetes.uidRange: "${value}" is not FIRST-LAST with 0 < FIRST <= LAST`);
  }
  return [first, last];
}

function pullPolicy(value: string): KubernetesSettings['imagePullPolicy'] {
  if (value === 'Always' || value === 'IfNotPresent' || value === 'Never') return value;
  throw new Error(`kubernetes.imagePullPolicy: "${value}" is not Always, IfNotPresent or Never`);
}

/** The typed settings from the options (missing ones take their defaults); throws on bad ones. */
export function readKubernetesSettings(options: Record<string, unknown>): KubernetesSettings {
  const defaultImage = text(options, 'defaultImage', 'busybox:1.36');
  return {
    kubeconfig: text(options, 'kubeconfig'),
    context: text(options, 'context'),
    namespace: text(options, 'namespace'),
    defaultImage,
    toolsImage: text(options, 'toolsImage') || defaultImage,
    imagePullPolicy: pullPolicy(text(options, 'imagePullPolicy', 'IfNotPresent')),
    serviceAccount: text(options, 'serviceAccount'),
    nodeSelector: parseNodeSelector(text(options, 'nodeSelector')),
    tolerations: parseTolerations(text(options, 'tolerations')),
    killGrace: Math.floor(positive(options, 'killGrace', 2)),
    ttlAfterFinished: Math.floor(positive(options, 'ttlAfterFinished', 300)),
    unschedulableTimeout: positive(options, 'unschedulableTimeout', 300),
    submitRetryDeadline: positive(options, 'submitRetryDeadline', 600),
    resyncInterval: Math.max(1, positive(options, 'resyncInterval', 30)),
    uidRange: parseUidRange(text(options, 'uidRange', '61000-61999')),
    allowedClaims: text(options, 'allowedClaims')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
    bindCores: options.bindCores !== false && options.bindCores !== 'false',
    submitConcurrency: Math.max(1, Math.floor(positive(options, 'submitConcurrency', 8))),
    instance: text(options, 'instance'),
  };
}
