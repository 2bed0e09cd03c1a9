import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessGroup {
  readonly pid: number;
  /** Settles when the leader has exited and been reaped by us. */
  readonly exited: Promise<ExitInfo>;
  /** Set once the leader has exited. */
  exitInfo(): ExitInfo | undefined;
  /** "exit code 89" / "signal SIGKILL", or undefined while running. */
  exitReason(): string | undefined;
  /** Last few KiB of stderr, for error messages. */
  stderr(): string;
  /** Signals every process of the group (the server forks workers that hold the ports too). */
  signal(signal: NodeJS.Signals): void;
  /** Whether an unfinished stop keeps the event loop alive (see `spawnGroup`). */
  setRef(ref: boolean): void;
  /** SIGKILLs the group and resolves once the leader is reaped. */
  kill(): Promise<ExitInfo>;
}

const STDERR_KEEP = 8 * 1024;

/**
 * Spawns `command` as the leader of a new process group (detached), with this process as its
 * parent so it is reaped here rather than lingering as a zombie under a lazy PID 1.
 * The child starts unref'd: a forgotten server must not keep the test runner alive (the watchdog
 * in watchdog.ts kills it when the runner exits). Callers re-ref it while they wait for it to stop.
 */
export async function spawnGroup(command: string, args: string[]): Promise<ProcessGroup> {
  const child: ChildProcess = spawn(command, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let exit: ExitInfo | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
  });
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${command} started without a pid`);
  const setRef = (ref: boolean): void => {
    // stdio pipes are sockets, and a ref'd pipe alone would keep the loop alive.
    const stream = child.stderr as Socket | null;
    if (ref) {
      child.ref();
      stream?.ref();
    } else {
      child.unref();
      stream?.unref();
    }
  };
  setRef(false);
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-pid, name);
    } catch (error) {
      // ESRCH: the whole group is already gone, which is what the caller wanted.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  return {
    pid,
    exited,
    exitInfo: () => exit,
    exitReason: () => exit && (exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`),
    stderr: () => stderr,
    signal,
    setRef,
    kill() {
      if (exit) return Promise.resolve(exit);
      setRef(true);
      signal('SIGKILL');
      return exited;
    },
  };
}
