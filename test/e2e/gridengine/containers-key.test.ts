import { containerKeyCases } from '../slurm/container-cases.js';
import { requireGridEngine, startGridEngineServer } from './gridengine-helpers.js';

containerKeyCases('gridengine', (overrides) => startGridEngineServer(overrides), requireGridEngine);
