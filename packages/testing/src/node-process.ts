import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

export type LogLine = Record<string, unknown>;

/** A built entry point running as a real process, its JSON log lines collected as they come. */
export interface NodeProcess {
  name: string;
  child: ChildProcess;
  lines: LogLine[];
  stderr: string[];
  exited: Promise<number | null>;
  /** undefined while the process runs. */
  exitCode(): number | null | undefined;
  /** The first log line matching, already written or to come; rejects on exit or at the deadline. */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
}

/**
 * Runs `node script ...args` with only PATH and `env` in its environment. Fails at once with a
 * clear message when the script was not built.
 */
export function spawnNodeProcess(script: string, args: string[], env: NodeJS.ProcessEnv, name = script): NodeProcess {
  if (!existsSync(script)) throw new Error(`${script} is missing: build first with \`pnpm build\` (or \`npx tsc -b\`)`);
  const child = spawn(process.execPath, [script, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: LogLine[] = [];
  const stderr: string[] = [];
  const waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  let code: number | null | undefined;
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      stderr.push(`(stdout, not JSON) ${text}`);
      return;
    }
    lines.push(line);
    for (const w of waiters.filter((w) => w.match(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  createInterface({ input: child.stderr! }).on('line', (text) => stderr.push(text));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (c) => {
      code = c;
      resolve(c);
    }),
  );
  return {
    name,
    child,
    lines,
    stderr,
    exited,
    exitCode: () => code,
    waitForLine: (match, timeoutMs = 20_000, what = 'the expected log line') => {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no ${what} within ${timeoutMs} ms; stderr: ${stderr.join('\n')}`)), timeoutMs);
        waiters.push({
          match,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        void exited.then((c) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (${c}) before ${what}; stderr: ${stderr.join('\n')}`));
        });
      });
    },
  };
}
