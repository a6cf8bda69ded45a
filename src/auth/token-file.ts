/**
 * The token file named by the config key `auth.tokens`: who may call the API. Tokens are stored
 * only as SHA-256 hashes (a token is 32 random bytes, so a fast hash is enough: it cannot be
 * guessed, only stolen, and the file does not give it away). Format (JSON):
 *   {"tokens": [{"sha256": "<hex>", "user": "alice", "role": "user", "created": "…"}]}
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Role = 'user' | 'admin';

export interface TokenEntry {
  sha256: string;
  user: string;
  role: Role;
  created: string;
}

/** The hex SHA-256 of a token, as the file keeps it. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Reads and checks the file; throws with the file's path and the problem. */
export function readTokenFile(path: string): TokenEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the token file ${path}: ${(error as Error).message}`);
  }
  const tokens = (parsed as { tokens?: unknown }).tokens;
  if (!Array.isArray(tokens)) throw new Error(`the token file ${path} has no "tokens" list`);
  return tokens.map((entry, i) => {
    const { sha256, user, role, created } = (entry ?? {}) as Record<string, unknown>;
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
      throw new Error(`${path}: tokens[${i}].sha256 must be 64 hex digits`);
    }
    if (typeof user !== 'string' || !user) throw new Error(`${path}: tokens[${i}].user is missing`);
    if (role !== 'user' && role !== 'admin') {
      throw new Error(`${path}: tokens[${i}].role must be "user" or "admin"`);
    }
    return { sha256, user, role, created: typeof created === 'string' ? created : '' };
  });
}

/**
 * Adds a new token for `user` to the file (creating it, mode 0600) and returns the token — the
 * only time it is ever shown.
 */
export function createToken(path: string, user: string, role: Role): string {
  const token = `jp_${randomBytes(32).toString('base64url')}`;
  const entries = existsSync(path) ? readTokenFile(path) : [];
  entries.push({ sha256: hashToken(token), user, role, created: new Date().toISOString() });
  mkdirSync(dirname(path), { recursive: true });
  // Written beside and renamed, so a server reloading the file never reads half of it.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ tokens: entries }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
  return token;
}
