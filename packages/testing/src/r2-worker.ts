import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';

/** Answers the Worker's outgoing requests (its source fetches) in the test process. */
export type OutboundHandler = (request: Request) => Response | Promise<Response>;

export interface R2WorkerOptions {
  /** R2_FETCH_TOKEN; random by default. An empty string leaves the secret unset. */
  token?: string;
  /** R2_PUBLIC_BASE_URL. Default `https://files.example.test`. */
  publicBaseUrl?: string;
  /** ALLOWED_HOSTS (comma-separated); the Worker's default list when omitted. */
  allowedHosts?: string;
  /** ALLOW_LOOPBACK_ORIGINS: sources may be `http://127.0.0.1:<port>` or `http://localhost:<port>`. Default false. */
  allowLoopbackOrigins?: boolean;
  /** ACCEPT_TOKEN_HEADER (the original `X-R2-FETCH-TOKEN` form). Worker default true. */
  acceptTokenHeader?: boolean;
  /** MAX_OBJECT_BYTES. Worker default 2 GiB. */
  maxObjectBytes?: number;
  /** SOURCE_TIMEOUT_MS. Worker default 120000. */
  sourceTimeoutMs?: number;
  /** RETENTION_HOURS. Worker default 24. */
  retentionHours?: number;
  /** Any other var, or an override of the above (last word). */
  vars?: Record<string, string>;
  /**
   * Every fetch the Worker makes goes to this function instead of the network, so a test can serve
   * `https://www.dropbox.com/...` itself. Without it the Worker reaches the network (loopback only
   * here), e.g. an origin on 127.0.0.1 with `allowLoopbackOrigins`.
   */
  outbound?: OutboundHandler;
}

type MiniflareBucket = Awaited<ReturnType<Miniflare['getR2Bucket']>>;
type MiniflareOutbound = Extract<NonNullable<ConstructorParameters<typeof Miniflare>[0]['outboundService']>, (...args: never[]) => unknown>;

export interface R2Worker {
  /** Where to POST copy requests: `http://127.0.0.1:PORT/`. */
  url: string;
  /** The R2_FETCH_TOKEN the Worker runs with ('' when unset). */
  token: string;
  /** The Worker's R2_BUCKET binding, from this process: list, get, head, put, delete. */
  bucket: MiniflareBucket;
  /** What the Worker logged (console.*), one message per entry, in order; nothing is printed. */
  logs: string[];
  /** Runs the cron handler once, as if fired at `time` (default now); rejects unless it succeeded. */
  scheduled(time?: Date): Promise<void>;
  /** Stops workerd and deletes the bucket's directory. Safe to call twice. */
  dispose(): Promise<void>;
}

const WORKER_DIR = new URL('../../../worker/', import.meta.url);
const WRANGLER_TOML = new URL('wrangler.toml', WORKER_DIR);
const BUILD_SCRIPT = new URL('scripts/build.mjs', WORKER_DIR);

/**
 * Starts the Cloudflare Worker of `worker/` under Miniflare (workerd) on a free loopback port,
 * bundled from its sources on every start, with its R2 bucket persisted to a fresh temp dir.
 */
export async function startR2Worker(options: R2WorkerOptions = {}): Promise<R2Worker> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const script = await bundleWorker();
  const persist = await mkdtemp(join(tmpdir(), 'render-signal-r2-'));
  const vars: Record<string, string> = {
    R2_PUBLIC_BASE_URL: options.publicBaseUrl ?? 'https://files.example.test',
    ALLOW_LOOPBACK_ORIGINS: String(options.allowLoopbackOrigins ?? false),
    ...(token !== '' ? { R2_FETCH_TOKEN: token } : {}),
    ...(options.allowedHosts !== undefined ? { ALLOWED_HOSTS: options.allowedHosts } : {}),
    ...(options.acceptTokenHeader !== undefined ? { ACCEPT_TOKEN_HEADER: String(options.acceptTokenHeader) } : {}),
    ...(options.maxObjectBytes !== undefined ? { MAX_OBJECT_BYTES: String(options.maxObjectBytes) } : {}),
    ...(options.sourceTimeoutMs !== undefined ? { SOURCE_TIMEOUT_MS: String(options.sourceTimeoutMs) } : {}),
    ...(options.retentionHours !== undefined ? { RETENTION_HOURS: String(options.retentionHours) } : {}),
    ...options.vars,
  };
  const outbound = options.outbound;
  const logs: string[] = [];
  const mf = new Miniflare({
    modules: true,
    script,
    scriptPath: fileURLToPath(new URL('dist/index.js', WORKER_DIR)),
    compatibilityDate: compatibilityDate(),
    r2Buckets: ['R2_BUCKET'],
    r2Persist: persist,
    bindings: vars,
    host: '127.0.0.1',
    port: 0,
    handleStructuredLogs: ({ message }: { message: string }) => {
      logs.push(message);
    },
    // Miniflare hands over its own undici Request and turns any Fetch-API Response into its own.
    ...(outbound ? { outboundService: ((request: unknown) => outbound(request as Request)) as unknown as MiniflareOutbound } : {}),
  });
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    try {
      await mf.dispose();
    } finally {
      await rm(persist, { recursive: true, force: true });
    }
  };
  try {
    const url = (await mf.ready).href;
    const bucket = await mf.getR2Bucket('R2_BUCKET');
    return {
      url,
      token,
      bucket,
      logs,
      async scheduled(time = new Date()) {
        const worker = await mf.getWorker();
        const result = await worker.scheduled({ scheduledTime: time, cron: '0 * * * *' });
        if (result.outcome !== 'ok') throw new Error(`scheduled handler ended with outcome ${result.outcome}`);
      },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** The bundle, built in memory by worker/scripts/build.mjs (esbuild takes a few milliseconds). */
async function bundleWorker(): Promise<string> {
  const build = (await import(fileURLToPath(BUILD_SCRIPT))) as { bundleWorker: () => Promise<string> };
  return build.bundleWorker();
}

/** The one in wrangler.toml, so tests run with the compatibility date that is deployed. */
function compatibilityDate(): string {
  const date = /^compatibility_date\s*=\s*"(\d{4}-\d{2}-\d{2})"/m.exec(readFileSync(WRANGLER_TOML, 'utf8'))?.[1];
  if (!date) throw new Error(`no compatibility_date in ${fileURLToPath(WRANGLER_TOML)}`);
  return date;
}
