import { connect, createServer } from 'node:net';

// Each probe gives up quickly: callers poll them under their own overall deadline.
const PROBE_TIMEOUT_MS = 1_000;

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function isAccepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (value: boolean): void => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => finish(true));
  });
}

/** True when nothing holds 127.0.0.1:port any more, i.e. a server on it is really gone. */
export function isBindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Connects, optionally sends `payload`, and resolves with what the peer sent once it matches
 * `expected`; resolves undefined on refusal, close, timeout or a non-matching complete reply.
 */
export function exchange(port: number, payload: string | undefined, expected: RegExp): Promise<string | undefined> {
  return new Promise((resolve) => {
    let received = '';
    let settled = false;
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (value: string | undefined): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.once('close', () => finish(undefined));
    socket.once('connect', () => {
      if (payload !== undefined) socket.write(payload);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (expected.test(received)) finish(received);
      // A full line that does not match is a definite "not ready" (e.g. Redis -LOADING).
      else if (received.includes('\n')) finish(undefined);
    });
  });
}
