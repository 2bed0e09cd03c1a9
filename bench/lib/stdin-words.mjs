// The child side of the benchmarks' line protocol: the parent writes one word per stdin line.
import { createInterface } from 'node:readline';

/**
 * `next(word)` waits for the next stdin line and exits the process (code 1, reason on stderr,
 * prefixed with `who`) unless it is `word`; `close()` lets the process end.
 */
export function stdinWords(who) {
  const input = createInterface({ input: process.stdin });
  const lines = input[Symbol.asyncIterator]();
  return {
    async next(word) {
      const { value, done } = await lines.next();
      if (done || value.trim() !== word) {
        console.error(`${who}: expected "${word}" on stdin, got ${done ? 'the end' : JSON.stringify(value)}`);
        process.exit(1);
      }
    },
    close() {
      input.close();
      process.stdin.destroy();
    },
  };
}
