import { containerKeyCases } from './container-cases.js';
import { requireSlurm, startSlurmServer } from './slurm-helpers.js';

containerKeyCases('slurm', (overrides) => startSlurmServer(overrides), requireSlurm);
