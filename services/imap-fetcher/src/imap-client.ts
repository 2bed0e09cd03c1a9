import { readFileSync } from 'node:fs';
import type { Config } from '@render-signal/config';
import { ImapFlow } from 'imapflow';

/**
 * A fresh, logged-in connection per sync. Every phase has a timeout (connect, greeting, socket
 * inactivity) so a hung server fails the sync instead of hanging it; the next tick reconnects.
 */
export interface IdleOptions {
  /** Restart IDLE this often: servers may drop an IDLE older than 29 minutes (RFC 2177). */
  restartMs: number;
}

export type ImapConnection = Pick<Config['imap'], 'host' | 'port' | 'secure' | 'caFile' | 'user' | 'password' | 'timeoutMs'>;

/** Opens a logged-in connection; aborting `signal` closes it, during the login too. */
export type ImapConnect = (signal?: AbortSignal) => Promise<ImapFlow>;

export function imapConnector(imap: ImapConnection, idle?: IdleOptions): ImapConnect {
  const ca = imap.caFile ? readFileSync(imap.caFile) : undefined;
  return async (signal) => {
    signal?.throwIfAborted();
    const client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.secure,
      auth: { user: imap.user, pass: imap.password },
      tls: { rejectUnauthorized: true, ...(ca ? { ca } : {}) },
      logger: false,
      // A sync connection never idles; a watch connection enters IDLE 100 ms after its last command
      // (imapflow's default waits 15 s, which delays the first notification as much).
      ...(idle ? { autoIdleDelay: 100, maxIdleTime: idle.restartMs } : { disableAutoIdle: true }),
      connectionTimeout: imap.timeoutMs,
      greetingTimeout: imap.timeoutMs,
      socketTimeout: imap.timeoutMs,
    });
    // Without a listener an 'error' event would crash the process; the failing command rejects anyway.
    client.on('error', () => {});
    // close() destroys the socket and rejects every pending command, connect() included.
    signal?.addEventListener('abort', () => client.close(), { once: true });
    await client.connect();
    return client;
  };
}
