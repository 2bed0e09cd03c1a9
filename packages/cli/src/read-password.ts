import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * The first line of `input`. On a terminal the prompt goes to `prompt` and what is typed is not
 * echoed; piped input (`printf '%s\n' "$PASSWORD" | …`) is read as is. Never taken from the
 * command line, where it would stay in the shell history and the process list.
 */
export function readPasswordLine(input: NodeJS.ReadStream, prompt: NodeJS.WritableStream): Promise<string> {
  const tty = input.isTTY === true;
  if (tty) prompt.write('Password: ');
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input, output: tty ? muted : undefined, terminal: tty });
  return new Promise((resolve) => {
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      if (tty) prompt.write('\n');
      resolve(line);
    });
    rl.once('close', () => {
      if (!answered) resolve('');
    });
  });
}
