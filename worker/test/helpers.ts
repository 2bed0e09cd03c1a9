import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import type { OutboundHandler, R2Worker } from '@render-signal/testing';

export const DROPBOX = 'https://www.dropbox.com';

type Route = (request: Request) => Response | Promise<Response>;

/** A fake internet for the Worker: answers by exact URL, counts every request it sees. */
export class FakeOrigin {
  readonly hits: string[] = [];
  private readonly routes = new Map<string, Route>();

  readonly handler: OutboundHandler = (request) => {
    this.hits.push(request.url);
    const route = this.routes.get(request.url);
    return route ? route(request) : new Response('no such file', { status: 404 });
  };

  route(url: string, answer: Route): string {
    this.routes.set(url, answer);
    return url;
  }

  hitsOf(url: string): number {
    return this.hits.filter((hit) => hit === url).length;
  }
}

/** `size` deterministic bytes (not all equal, so a misplaced part shows). */
export function pattern(size: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

export function sha256(bytes: Uint8Array | ArrayBuffer): string {
  return createHash('sha256').update(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).digest('hex');
}

/** A body without Content-Length (sent chunked), delivered in `chunk`-byte pieces. */
export function chunked(bytes: Uint8Array, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

export function signature(token: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', token).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface CallOptions {
  /** `signed` (default), `token` (the original header) or `none`. */
  auth?: 'signed' | 'token' | 'none';
  /** Unix seconds for X-R2-Timestamp; now by default. */
  timestamp?: number;
  token?: string;
  headers?: Record<string, string>;
  method?: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

/** One request to the Worker; `body` is sent as is when a string, else as JSON. */
export async function call(worker: R2Worker, body: unknown, options: CallOptions = {}): Promise<CallResult> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const token = options.token ?? worker.token;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if ((options.auth ?? 'signed') === 'signed') {
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    headers['X-R2-Timestamp'] = timestamp;
    headers['X-R2-Signature'] = signature(token, timestamp, text);
  } else if (options.auth === 'token') {
    headers['X-R2-FETCH-TOKEN'] = token;
  }
  const method = options.method ?? 'POST';
  // A new connection per call (no keep-alive): workerd may close an idle connection just as a
  // pooled one is reused, which fails a POST with "other side closed" on a busy machine.
  const { status, headers: answerHeaders, raw } = await new Promise<{ status: number; headers: Headers; raw: string }>((resolve, reject) => {
    const req = request(worker.url, { method, agent: false, headers: { ...headers, ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode ?? 0, headers: h, raw: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(method === 'GET' || method === 'HEAD' ? undefined : text);
  });
  return { status, headers: answerHeaders, json: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} };
}

/** Every key in the bucket under `prefix`. */
export async function listKeys(worker: R2Worker, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await worker.bucket.list({ prefix, ...(cursor ? { cursor } : {}) });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys;
}

/** The `upload` field of the Worker's `copy.stored` log line for `key`. */
export function uploadMode(worker: R2Worker, key: string): string | undefined {
  for (const line of worker.logs) {
    try {
      const entry = JSON.parse(line) as { code?: string; objectKey?: string; upload?: string };
      if (entry.code === 'copy.stored' && entry.objectKey === key) return entry.upload;
    } catch {
      // not one of the Worker's JSON lines
    }
  }
  return undefined;
}
