/** The backend contract against the real one-node cluster (scripts/kubernetes/start.sh). */
import { runBackendContract } from '../../contract/backend-contract.js';
import { tempDir } from '../../helpers/test-server.js';
import { requireKubernetes, startKubernetesServer } from './kubernetes-helpers.js';

await requireKubernetes();
const dir = tempDir();

runBackendContract({
  name: 'kubernetes',
  // The pods run on this machine's kubelet: the default /proc scan sees their processes.
  startServer: () => startKubernetesServer({ dir }),
  timeoutMs: 60_000,
});
