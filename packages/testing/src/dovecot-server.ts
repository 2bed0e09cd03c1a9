import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { findBinary } from './find-binary.js';
import { freePorts } from './free-ports.js';
import { lastLines } from './last-lines.js';
import { exchange, isAccepting, isBindable } from './port-probes.js';
import { spawnGroup, type ProcessGroup } from './process-group.js';
import { waitUntil } from './wait-until.js';
import { armWatchdog } from './watchdog.js';

export interface DovecotOptions {
  /** user -> password. Default `{ alice: 'alicepw' }`. */
  users?: Record<string, string>;
}

export interface AppendResult {
  uid: number;
  uidValidity: bigint;
}

export interface DovecotServer {
  host: '127.0.0.1';
  /** Implicit TLS (imaps). */
  port: number;
  /** Cleartext IMAP with STARTTLS available. */
  plainPort: number;
  /** The self-signed server certificate (SAN IP:127.0.0.1, DNS:localhost); trust it as a CA. */
  caPem: string;
  caFile: string;
  users: Record<string, string>;
  /** SIGKILLs the whole process group, waits until both ports are free, removes all dirs. Safe to call twice. */
  stop(): Promise<void>;
  /** Kills the server and starts it again on the same ports; the Maildir stays, so UIDVALIDITY and UIDs survive. */
  restart(): Promise<void>;
  /**
   * APPENDs a message over TLS (verifying `caPem`) and returns where it landed. Creates `mailbox` if
   * needed. `internalDate` sets the arrival date the server records (IMAP SEARCH SINCE uses it).
   */
  append(user: string, raw: Buffer | string, mailbox?: string, flags?: string[], internalDate?: Date): Promise<AppendResult>;
  /** APPENDs many messages to INBOX over one connection, in order; resolves with their UIDs. */
  appendMany(user: string, raws: readonly (Buffer | string)[]): Promise<number[]>;
  /** The environment that points render-signal at `user`'s mailbox here (implicit TLS, this CA). */
  mailboxEnv(user: string): NodeJS.ProcessEnv;
}

const DOVECOT = '/usr/sbin/dovecot';
const READY_TIMEOUT_MS = 15_000;
const execFileAsync = promisify(execFile);

/** Starts an isolated Dovecot (nothing under /etc/dovecot is read) on two free loopback ports. */
export async function startDovecot(opts: DovecotOptions = {}): Promise<DovecotServer> {
  if (!existsSync(DOVECOT)) {
    throw new Error(`${DOVECOT} not found. Install Dovecot with: apt-get install dovecot-imapd`);
  }
  const openssl = findBinary('openssl', 'apt-get install openssl');
  const users = { ...(opts.users ?? { alice: 'alicepw' }) };
  for (const [user, password] of Object.entries(users)) {
    // passwd-file is colon-separated and line-based; anything else would silently corrupt it.
    if (!/^[A-Za-z0-9._@-]+$/.test(user) || /[:\r\n]/.test(password)) {
      throw new Error(`unsupported Dovecot test user ${JSON.stringify(user)} or password`);
    }
  }

  const [port, plainPort] = await freePorts(2);
  if (port === undefined || plainPort === undefined) throw new Error('no free ports');
  const dir = await mkdtemp(join(tmpdir(), 'render-signal-dovecot-'));
  // Not created here: Dovecot makes it as "nobody", which could not write into a root-owned dir.
  const homeRoot = join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), `render-signal-dovecot-${randomBytes(6).toString('hex')}`);
  const runDir = join(dir, 'run');
  const configFile = join(dir, 'dovecot.conf');
  const logFile = join(dir, 'dovecot.log');
  const caFile = join(dir, 'cert.pem');
  const pidFile = join(dir, 'server.pid');

  let group: ProcessGroup | undefined;
  let stopped = false;
  let caPem = '';
  const watchdog = armWatchdog(pidFile, [dir, homeRoot]);
  const removeDirs = async (): Promise<void> => {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    await rm(homeRoot, { recursive: true, force: true, maxRetries: 3 });
  };

  const launch = async (): Promise<void> => {
    // A fresh base_dir each time: stale sockets or master.pid from a killed run can break the next start.
    await rm(runDir, { recursive: true, force: true });
    await mkdir(runDir);
    const started = await spawnGroup(DOVECOT, ['-F', '-c', configFile]);
    group = started;
    writeFileSync(pidFile, String(started.pid));
    try {
      await waitUntil(
        async () =>
          (await exchange(plainPort, undefined, /^\* OK.*\r\n/)) !== undefined && (await isAccepting(port)),
        {
          timeoutMs: READY_TIMEOUT_MS,
          what: `Dovecot to greet on 127.0.0.1:${plainPort} and accept on 127.0.0.1:${port}`,
          abort: () => {
            const reason = started.exitReason();
            return reason === undefined ? undefined : new Error(`dovecot exited early (${reason})`);
          },
        },
      );
    } catch (error) {
      await started.kill();
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`${(error as Error).message}\n${lastLines(started.stderr() + log)}`, { cause: error });
    }
  };

  const killAndReleasePorts = async (): Promise<void> => {
    // The whole group: SIGTERM to the master alone leaves logged-in imap processes serving for ~10 s.
    await group?.kill();
    // The master is reaped, but its killed children may still hold the listeners for a moment.
    await waitUntil(async () => (await isBindable(port)) && (await isBindable(plainPort)), {
      timeoutMs: READY_TIMEOUT_MS,
      what: `Dovecot to release ports ${port} and ${plainPort}`,
    });
  };

  try {
    await chmod(dir, 0o755); // the auth process runs as "dovecot" and must traverse it to read users
    // P-256 rather than RSA: key generation takes milliseconds instead of 0.1-1 s per server.
    await execFileAsync(openssl, [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', caFile,
    ]);
    await writeFile(join(dir, 'users'), passwdFile(users), { mode: 0o644 });
    await mkdir(join(dir, 'state'));
    await writeFile(configFile, dovecotConfig({ dir, runDir, logFile, homeRoot, port, plainPort }));
    caPem = await readFile(caFile, 'utf8');
    await launch();
  } catch (error) {
    await group?.kill();
    watchdog.disarm();
    await removeDirs();
    throw error;
  }

  /** A logged-in client of `user` over TLS, verifying the test CA. */
  async function connect(user: string): Promise<ImapFlow> {
    const pass = users[user];
    if (pass === undefined) throw new Error(`unknown Dovecot test user ${JSON.stringify(user)}`);
    const client = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: true,
      tls: { ca: caPem, rejectUnauthorized: true },
      auth: { user, pass },
      logger: false,
    });
    // An emitted 'error' without a listener would crash the test process; the command rejects anyway.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  return {
    host: '127.0.0.1',
    port,
    plainPort,
    caPem,
    caFile,
    users,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await killAndReleasePorts();
      } finally {
        watchdog.disarm();
        await removeDirs();
      }
    },
    async restart() {
      if (stopped) throw new Error('Dovecot already stopped');
      await killAndReleasePorts();
      await launch();
    },
    mailboxEnv(user) {
      const pass = users[user];
      if (pass === undefined) throw new Error(`unknown Dovecot test user ${JSON.stringify(user)}`);
      return {
        EMAIL_ADDRESS: user,
        EMAIL_PASSWORD: pass,
        IMAP_SERVER: '127.0.0.1',
        IMAP_PORT: String(port),
        IMAP_TLS_CA_FILE: caFile,
        // Every day, all day: a test must not depend on the hour it runs at (the default
        // schedule is the original's Monday–Friday, 9 to 23).
        POLLING_ACTIVE_DAYS: '0,1,2,3,4,5,6',
        POLLING_ACTIVE_START_HOUR: '0',
        POLLING_ACTIVE_END_HOUR: '24',
      };
    },
    async appendMany(user, raws) {
      const client = await connect(user);
      try {
        const uids: number[] = [];
        for (const raw of raws) {
          const result = await client.append('INBOX', raw);
          if (!result || result.uid === undefined) throw new Error('APPEND to INBOX returned no UIDPLUS data');
          uids.push(result.uid);
        }
        return uids;
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
    async append(user, raw, mailbox = 'INBOX', flags = [], internalDate) {
      const client = await connect(user);
      try {
        if (mailbox.toUpperCase() !== 'INBOX') await client.mailboxCreate(mailbox);
        const result = await client.append(mailbox, raw, flags, internalDate);
        if (!result || result.uid === undefined || result.uidValidity === undefined) {
          throw new Error(`APPEND to ${mailbox} returned no UIDPLUS data`);
        }
        return { uid: result.uid, uidValidity: result.uidValidity };
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
  };
}

function passwdFile(users: Record<string, string>): string {
  return Object.entries(users)
    .map(([user, password]) => `${user}:{PLAIN}${password}\n`)
    .join('');
}

interface ConfigPaths {
  dir: string;
  runDir: string;
  logFile: string;
  homeRoot: string;
  port: number;
  plainPort: number;
}

// Dovecot does not expand environment variables, so every path is written out literally.
function dovecotConfig(c: ConfigPaths): string {
  return `# Generated by @render-signal/testing for one test server.
base_dir = ${c.runDir}
state_dir = ${c.dir}/state
log_path = ${c.logFile}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <${c.dir}/cert.pem
ssl_key = <${c.dir}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
# A wrong-password test would otherwise wait ~1.5 s per attempt.
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${c.dir}/users
}
# Mail processes cannot run as root; nobody:nogroup exists on every Debian.
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${c.homeRoot}/%n
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${c.plainPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${c.port}
    ssl = yes
  }
}
# Without this, the first login after a failed one from 127.0.0.1 is delayed ~4 s.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`;
}
