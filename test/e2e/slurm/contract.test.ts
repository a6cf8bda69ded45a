/** The backend contract against a real Slurm (scripts/slurm/start.sh). */
import { runBackendContract } from '../../contract/backend-contract.js';
import { tempDir } from '../../helpers/test-server.js';
import { requireSlurm, startSlurmServer } from './slurm-helpers.js';

requireSlurm();
const dir = tempDir();

runBackendContract({
  name: 'slurm',
  startServer: () => startSlurmServer({ dir }),
  timeoutMs: 60_000,
});
