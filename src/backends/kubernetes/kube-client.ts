/**
 * The connection to the API server: the kubeconfig (the `kubeconfig` option, $KUBECONFIG,
 * ~/.kube/config, or the in-cluster service account) and the API clients. Loaded by the backend's
 * init only, so that CLI commands do not load @kubernetes/client-node.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BatchV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { KubernetesSettings } from './kubernetes-options.js';

export interface KubeClients {
  config: KubeConfig;
  batch: BatchV1Api;
  core: CoreV1Api;
  /** Where the API server is, for messages. */
  server: string;
}

/** Which kubeconfig was used, in the order the option, the environment and the pod offer one. */
function loadConfig(settings: KubernetesSettings): KubeConfig {
  const config = new KubeConfig();
  const home = join(homedir(), '.kube', 'config');
  if (settings.kubeconfig !== '') config.loadFromFile(settings.kubeconfig);
  else if (process.env.KUBECONFIG) config.loadFromDefault();
  else if (existsSync(home)) config.loadFromFile(home);
  else if (process.env.KUBERNETES_SERVICE_HOST) config.loadFromCluster();
  else {
    throw new Error(
      'no Kubernetes cluster configured: set kubernetes.kubeconfig or KUBECONFIG, or run the server in a pod',
    );
  }
  if (settings.context !== '') config.setCurrentContext(settings.context);
  return config;
}

export function connect(settings: KubernetesSettings): KubeClients {
  const config = loadConfig(settings);
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig names no current cluster');
  return {
    config,
    batch: config.makeApiClient(BatchV1Api),
    core: config.makeApiClient(CoreV1Api),
    server: cluster.server,
  };
}

const POD_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** The option, else the kubeconfig context's namespace, else the pod's own, else "default". */
export function namespaceOf(settings: KubernetesSettings, clients: KubeClients): string {
  if (settings.namespace !== '') return settings.namespace;
  const context = clients.config.getContextObject(clients.config.getCurrentContext());
  if (context?.namespace) return context.namespace;
  try {
    return readFileSync(POD_NAMESPACE_FILE, 'utf8').trim() || 'default';
  } catch {
    return 'default';
  }
}
