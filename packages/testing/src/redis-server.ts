import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './find-binary.js';
import { freePorts } from './free-ports.js';
import { exchange, isBindable } from './port-probes.js';
import { spawnGroup, type ProcessGroup } from './process-group.js';
import { lastLines } from './last-lines.js';
import { waitUntil } from './wait-until.js';
import { armWatchdog } from './watchdog.js';

export interface RedisServerOptions {
  /** Keep an append-only file in the server's dir, so data survives `restart()`. Default false. */
  appendonly?: boolean;
}

export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** Kills the server and deletes its dir. Safe to call twice. */
  stop(): Promise<void>;
  /** Graceful shutdown (the AOF is flushed), then a new server on the same port and dir. */
  restart(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;
const PING = '*1\r\n$4\r\nPING\r\n';

/** Starts a private redis-server on a free loopback port, with its own temp dir. */
export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = findBinary('redis-server', 'apt-get install redis-server');
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('no free port');
  const dir = await mkdtemp(join(tmpdir(), 'render-signal-redis-'));
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', opts.appendonly ? 'yes' : 'no',
    '--maxmemory-policy', 'noeviction',
    '--dir', dir,
    '--daemonize', 'no',
    '--logfile', join(dir, 'redis.log'),
  ];
  const pidFile = join(dir, 'server.pid');

  let group: ProcessGroup | undefined;
  let stopped = false;
  const watchdog = armWatchdog(pidFile, [dir]);

  const launch = async (): Promise<void> => {
    const started = await spawnGroup(binary, args);
    group = started;
    writeFileSync(pidFile, String(started.pid));
    try {
      await waitUntil(async () => (await exchange(port, PING, /^\+PONG\r\n/)) !== undefined, {
        timeoutMs: READY_TIMEOUT_MS,
        what: `redis-server to answer PING on 127.0.0.1:${port}`,
        abort: () => {
          const reason = started.exitReason();
          return reason === undefined ? undefined : new Error(`redis-server exited early (${reason})`);
        },
      });
    } catch (error) {
      await started.kill();
      const log = await readFile(join(dir, 'redis.log'), 'utf8').catch(() => '');
      throw new Error(`${(error as Error).message}\n${lastLines(started.stderr() + log)}`, { cause: error });
    }
  };

  const shutDown = async (): Promise<void> => {
    const current = group;
    if (!current || current.exitInfo()) return;
    current.setRef(true);
    current.signal('SIGTERM');
    // A hung shutdown must not hang the test; the AOF is then only as good as the page cache.
    const timer = setTimeout(() => current.signal('SIGKILL'), SHUTDOWN_TIMEOUT_MS);
    await current.exited.finally(() => clearTimeout(timer));
  };

  try {
    await launch();
  } catch (error) {
    watchdog.disarm();
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    throw error;
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await group?.kill();
      } finally {
        watchdog.disarm();
        await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      }
    },
    async restart() {
      if (stopped) throw new Error('redis server already stopped');
      // SIGTERM makes Redis fsync the AOF before exiting; SIGKILL would rely on the page cache.
      await shutDown();
      await waitUntil(() => isBindable(port), { timeoutMs: READY_TIMEOUT_MS, what: `port ${port} to be released` });
      await launch();
    },
  };
}
