/** Who the reach check (reach-check.ts) must let pass, from the framework's identity settings. */
import { canSwitchUsers, lookupUnixUser, parseUserMap } from '../../backends/run-as.js';
import { accountPasser, type Passer } from './reach-check.js';
import type { IdentitySetting } from './task-identities.js';

/** undefined when tasks run as the server itself (nothing to check). */
export function taskPasser(setting: IdentitySetting): Passer | undefined {
  if (!canSwitchUsers() || setting.runAs === 'root') return undefined;
  const mapped = Object.keys(parseUserMap(setting.userMap ?? '')).length > 0;
  const own = setting.runAs === undefined || setting.runAs === 'owner' || setting.runAs === 'pool';
  if (mapped || own) {
    return { anyone: true, name: `the owners' own identities (runAs=${setting.runAs ?? 'pool'})` };
  }
  const account = lookupUnixUser(setting.runAs);
  return account ? accountPasser(account.name, account.uid) : undefined;
}
