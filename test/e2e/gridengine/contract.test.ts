/** The backend contract against a real Grid Engine (scripts/gridengine/start.sh). */
import { runBackendContract } from '../../contract/backend-contract.js';
import { tempDir } from '../../helpers/test-server.js';
import { requireGridEngine, startGridEngineServer } from './gridengine-helpers.js';

requireGridEngine();
const dir = tempDir();

runBackendContract({
  name: 'gridengine',
  startServer: () => startGridEngineServer({ dir }),
  timeoutMs: 60_000,
});
