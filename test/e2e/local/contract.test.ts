/** The backend contract against the local framework running host processes. */
import { runBackendContract } from '../../contract/backend-contract.js';
import { startTestServer, tempDir } from '../../helpers/test-server.js';

const dir = tempDir();

runBackendContract({
  name: 'local (host processes)',
  startServer: () => startTestServer({ dir }),
  timeoutMs: 30_000,
});
