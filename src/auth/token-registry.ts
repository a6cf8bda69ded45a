/**
 * The tokens the server accepts, loaded from the token file and reloaded when it changes, without
 * a restart. A reload that fails (a half-edited file) keeps the tokens already loaded and logs why.
 */
import { unwatchFile, watchFile } from 'node:fs';
import type { Logger } from 'pino';
import { hashToken, readTokenFile, type Role } from './token-file.js';

export interface Identity {
  user: string;
  role: Role;
}

export class TokenRegistry {
  private byHash = new Map<string, Identity>();
  private readonly path: string;
  private readonly log: Logger;

  /** Loads the file now (throws if it is unreadable: a server must not start without it). */
  constructor(path: string, log: Logger, reloadIntervalMs = 1000) {
    this.path = path;
    this.log = log;
    this.load();
    watchFile(path, { interval: reloadIntervalMs, persistent: false }, () => this.reload());
  }

  /** Who a bearer token belongs to, if anyone. */
  identify(token: string): Identity | undefined {
    return this.byHash.get(hashToken(token));
  }

  /** Whether `user` holds `token` (Basic auth: user name and token as the password). */
  identifyUser(user: string, token: string): Identity | undefined {
    const identity = this.identify(token);
    return identity?.user === user ? identity : undefined;
  }

  get size(): number {
    return this.byHash.size;
  }

  close(): void {
    unwatchFile(this.path);
  }

  private load(): void {
    const entries = readTokenFile(this.path);
    this.byHash = new Map(entries.map((e) => [e.sha256, { user: e.user, role: e.role }]));
  }

  private reload(): void {
    try {
      this.load();
      this.log.info({ file: this.path, tokens: this.byHash.size }, 'token file reloaded');
    } catch (error) {
      this.log.warn({ err: error }, 'token file reload failed; keeping the tokens loaded before');
    }
  }
}
