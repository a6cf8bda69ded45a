/**
 * What the Kubernetes e2e tests share: the real cluster of scripts/kubernetes/start.sh (they
 * fail, never skip, when it does not answer or has no Ready node), servers on the kubernetes
 * framework, and looks at Jobs and Pods by label through the API server.
 */
import { existsSync } from 'node:fs';
import { BatchV1Api, CoreV1Api, KubeConfig, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { chmodSync } from 'node:fs';
import { startTestServer, tempDir, type TestServer } from '../../helpers/test-server.js';

/** The admin kubeconfig scripts/kubernetes/start.sh writes. */
export const LAB_KUBECONFIG = '/var/lib/k8s-lab/admin.kubeconfig';
export const KUBECONFIG_PATH = process.env.KUBECONFIG || LAB_KUBECONFIG;
/** Imported into the node's containerd by start.sh (Debian's static busybox), no registry. */
export const TEST_IMAGE = process.env.JOBPROXY_TEST_K8S_IMAGE ?? 'k8s-lab.local/busybox:1.35';
export const NAMESPACE = 'default';

const HOW_TO_START =
  'start it with `bash scripts/kubernetes/install.sh && bash scripts/kubernetes/start.sh` (as root: ' +
  'builds kube-apiserver, controller-manager, scheduler and kubelet v1.34 from the Go module proxy ' +
  'on first use, ~12-20 min, then starts a one-node cluster) — or run the tests through npm test';

export function kubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(KUBECONFIG_PATH);
  return config;
}

/** Throws, naming what is missing, unless the API server answers and a node is Ready. */
export async function requireKubernetes(): Promise<void> {
  if (!existsSync(KUBECONFIG_PATH)) {
    throw new Error(`Kubernetes is missing: no kubeconfig at ${KUBECONFIG_PATH}; ${HOW_TO_START}`);
  }
  let nodes;
  try {
    nodes = await kubeConfig().makeApiClient(CoreV1Api).listNode();
  } catch (error) {
    throw new Error(
      `the Kubernetes API server does not answer (${(error as Error).message}); ${HOW_TO_START}`,
    );
  }
  const ready = nodes.items.filter((node) =>
    node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  if (ready.length === 0) {
    throw new Error(
      `the Kubernetes cluster has no Ready node (kubelet not running?); ${HOW_TO_START}`,
    );
  }
}

/** A server on the kubernetes framework of the lab cluster, with the local test image. */
export function startKubernetesServer(
  overrides: Parameters<typeof startTestServer>[0] = {},
): Promise<TestServer> {
  // As an operator's /var/lib/jobproxy: the pods' pool uids stage and collect the task's files
  // themselves, so they must pass through to the work directory (mkdtemp makes it 0700).
  const dir = overrides.dir ?? tempDir();
  chmodSync(dir, 0o711);
  return startTestServer({
    framework: 'kubernetes',
    ...overrides,
    dir,
    frameworkOptions: {
      kubeconfig: KUBECONFIG_PATH,
      namespace: NAMESPACE,
      defaultImage: TEST_IMAGE,
      imagePullPolicy: 'Never',
      killGrace: 1,
      ttlAfterFinished: 60,
      resyncInterval: 5,
      ...overrides.frameworkOptions,
    },
  });
}

export const batchApi = (): BatchV1Api => kubeConfig().makeApiClient(BatchV1Api);
export const coreApi = (): CoreV1Api => kubeConfig().makeApiClient(CoreV1Api);

/** Jobs labelled with this task id (any server instance). */
export async function jobsOf(taskId: string): Promise<V1Job[]> {
  const list = await batchApi().listNamespacedJob({
    namespace: NAMESPACE,
    labelSelector: `jobproxy.io/task=${taskId}`,
  });
  return list.items;
}

/** Pods labelled with this task id. */
export async function podsOf(taskId: string): Promise<V1Pod[]> {
  const list = await coreApi().listNamespacedPod({
    namespace: NAMESPACE,
    labelSelector: `jobproxy.io/task=${taskId}`,
  });
  return list.items;
}
