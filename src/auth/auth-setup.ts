/**
 * Decides at start whether requests need tokens: with a token file (`auth.tokens`) always; with
 * none on loopback, no (the default: only this machine can call); with none beyond loopback the
 * server refuses to start — unless the operator explicitly set `auth=none`, which is logged as a
 * warning at every start.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/load-config.js';
import { TokenRegistry } from './token-registry.js';

/** True for names and addresses that only this machine reaches. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** The token registry to check requests against, or undefined when no authentication applies. */
export function setUpAuthentication(
  config: Readonly<Config>,
  host: string,
  log: Logger,
): TokenRegistry | undefined {
  if (config.auth === 'none') {
    log.warn(
      { listen: host },
      'authentication is off (auth=none): anyone who can reach this server can run commands on it',
    );
    return undefined;
  }
  if (config.authTokens) return new TokenRegistry(resolve(config.authTokens), log);
  if (!isLoopback(host)) {
    throw new ConfigError([
      `serveruri listens on ${host}, beyond this machine, but no token file is configured. ` +
        `Create one: 'jobproxy token create <user> --admin --file /etc/jobproxy/tokens.json', ` +
        `then set auth.tokens=/etc/jobproxy/tokens.json — or set auth=none to accept anyone ` +
        `(not recommended: every client could run commands as the server's user).`,
    ]);
  }
  return undefined;
}
