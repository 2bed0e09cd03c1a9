import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** Path and query string, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed body when it is JSON, otherwise undefined. */
  json?: unknown;
  /** Date.now() when the whole body had arrived. */
  receivedAt: number;
}

export interface WebhookResponse {
  status: number;
  /** Sent as JSON unless it is a string or Buffer. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface WebhookReceiverOptions {
  /** Decides each answer. Default: 200 `{"success": true, "message": "Webhook reçu"}`. */
  respond?: (req: ReceivedRequest) => WebhookResponse | Promise<WebhookResponse>;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:PORT/hook` (any other path is recorded too). */
  url: string;
  /** Every request so far, in arrival order. */
  requests: ReceivedRequest[];
  /** Resolves with the requests once at least `n` have arrived (immediately if they already have). */
  waitForRequests(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Closes open connections too, and rejects pending waits. */
  close(): Promise<void>;
}

/** What the user's real receiver answers, so the dispatcher sees the production reply. */
const DEFAULT_RESPONSE: WebhookResponse = { status: 200, body: { success: true, message: 'Webhook reçu' } };
const DEFAULT_WAIT_MS = 5_000;

/** An HTTP server on a free loopback port that records every request it receives. */
export async function startWebhookReceiver(opts: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const arrivals = new EventEmitter();
  let closed = false;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`webhook receiver respond() failed: ${String(error)}`);
      } else {
        res.destroy();
      }
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const recorded: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
      json: parseJson(body),
      receivedAt: Date.now(),
    };
    requests.push(recorded);
    arrivals.emit('request');
    const answer = opts.respond ? await opts.respond(recorded) : DEFAULT_RESPONSE;
    const raw = answer.body === undefined || typeof answer.body === 'string' || Buffer.isBuffer(answer.body)
      ? answer.body
      : JSON.stringify(answer.body);
    const headers: Record<string, string> = {};
    if (raw !== undefined && raw !== answer.body) headers['content-type'] = 'application/json; charset=utf-8';
    for (const [name, value] of Object.entries(answer.headers ?? {})) headers[name.toLowerCase()] = value;
    res.writeHead(answer.status, headers);
    res.end(raw);
  };

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    waitForRequests(n, timeoutMs = DEFAULT_WAIT_MS) {
      if (requests.length >= n) return Promise.resolve(requests.slice());
      if (closed) return Promise.reject(new Error(`webhook receiver is closed (got ${requests.length} of ${n} requests)`));
      return new Promise((resolve, reject) => {
        const cleanup = (): void => {
          clearTimeout(timer);
          arrivals.off('request', onRequest);
          arrivals.off('close', onClose);
        };
        const onRequest = (): void => {
          if (requests.length < n) return;
          cleanup();
          resolve(requests.slice());
        };
        const onClose = (): void => {
          cleanup();
          reject(new Error(`webhook receiver closed while waiting for ${n} requests (got ${requests.length})`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(
            `webhook receiver: expected ${n} request(s) within ${timeoutMs} ms, got ${requests.length}` +
              (requests.length ? `: ${requests.map((r) => `${r.method} ${r.path}`).join(', ')}` : ''),
          ));
        }, timeoutMs);
        arrivals.on('request', onRequest);
        arrivals.on('close', onClose);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      arrivals.emit('close');
      const done = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      // Keep-alive clients (fetch, got) would otherwise hold close() open.
      server.closeAllConnections();
      await done;
    },
  };
}

function parseJson(body: string): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
