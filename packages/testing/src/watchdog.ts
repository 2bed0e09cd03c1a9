import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

export interface Watchdog {
  /** Stops the watchdog without it doing anything (after an orderly stop). */
  disarm(): void;
}

// Reads stdin until EOF, i.e. until the process that holds the other end of the pipe is gone,
// however it died; then kills the server's process group (pid read at that moment, so restarts
// are covered) and removes the server's directories.
const SCRIPT = 'read _; pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && kill -s KILL -- "-$pid"; shift; rm -rf -- "$@"';

/**
 * Guards a detached test server against the test process dying before `stop()`: a Jest worker
 * that is force-killed, an uncaught error, Ctrl-C. A `process.on('exit')` hook would not do: none
 * runs on SIGKILL, and one registered from inside a Jest 30 test file never ran at all (checked).
 * The watchdog is detached too, so Ctrl-C on the terminal's process group does not kill it first.
 */
export function armWatchdog(pidFile: string, paths: string[]): Watchdog {
  const child = spawn('/bin/sh', ['-c', SCRIPT, 'render-signal-test-watchdog', pidFile, ...paths], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // An unwritten pipe whose reader died raises EPIPE on close; nothing to report.
  child.on('error', () => undefined);
  const stdin = child.stdin as Socket | null;
  stdin?.on('error', () => undefined);
  child.unref();
  // The pipe is a socket; left ref'd it would keep the test process alive.
  stdin?.unref();
  return {
    disarm() {
      try {
        if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      stdin?.destroy();
    },
  };
}
