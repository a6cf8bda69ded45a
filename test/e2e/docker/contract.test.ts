/** The backend contract against the local framework running every task in a container. */
import { runBackendContract } from '../../contract/backend-contract.js';
import { tempDir } from '../../helpers/test-server.js';
import { requireDocker, startDockerServer, TEST_IMAGE } from './docker-helpers.js';

await requireDocker();
const dir = tempDir();

runBackendContract({
  name: 'local (docker containers)',
  startServer: () => startDockerServer({ dir }),
  // A string cmd runs under the image's /bin/sh -c; a list is the container's argv.
  taskExtras: (cmd) => ({ container: { image: TEST_IMAGE, cmd } }),
  timeoutMs: 60_000,
});
