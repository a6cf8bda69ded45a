/**
 * The connection to the API server: the kubeconfig (the `kubeconfig` option, $KUBECONFIG,
 * ~/.kube/config, or the in-cluster service account) and the API clients. Loaded by the backend's
 * init only, so that CLI commands do not load @kubernetes/client-node.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  ServerConfiguration,
  createConfiguration,
  type Configuration,
} from '@kubernetes/client-node';
import { API_CALL_TIMEOUT_MS } from './api-errors.js';
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

/**
 * An API client as KubeConfig.makeApiClient makes one, whose every call is given up after
 * `timeoutMs` without a whole answer: client-node sets no limit, and a call on a connection to a
 * server that went silent (a network cut) would otherwise wait as long as TCP does, holding a
 * submit, a resync or the server's close meanwhile. A call given up counts as no answer (transient).
 */
function apiClient<T>(
  config: KubeConfig,
  server: string,
  Api: new (configuration: Configuration) => T,
  timeoutMs: number,
): T {
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: config },
    promiseMiddleware: [
      {
        pre: async (context) => {
          context.setSignal(AbortSignal.timeout(timeoutMs));
          return context;
        },
        post: async (context) => context,
      },
    ],
  });
  return new Api(configuration);
}

export function connect(
  settings: KubernetesSettings,
  timeoutMs = API_CALL_TIMEOUT_MS,
): KubeClients {
  const config = loadConfig(settings);
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig names no current cluster');
  return {
    config,
    batch: apiClient(config, cluster.server, BatchV1Api, timeoutMs),
    core: apiClient(config, cluster.server, CoreV1Api, timeoutMs),
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
