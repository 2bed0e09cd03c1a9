import { authenticate } from './authenticate.js';
import { deleteExpired } from './cleanup.js';
import { copyFile } from './copy-file.js';
import { parseCopyRequest } from './copy-request.js';
import { HttpError } from './http-error.js';
import { errorResponse, json, preflight } from './responses.js';
import { readSettings, retentionHours, type Env } from './settings.js';

export type { Env } from './settings.js';

/** A request body is a few hundred bytes of JSON; anything much larger is not one. */
const MAX_REQUEST_BYTES = 64 * 1024;

async function handle(request: Request, env: Env): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  if (request.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'Method not allowed');
  const settings = readSettings(env);
  const rawBody = await readBody(request);
  await authenticate(request.headers, rawBody, { token: settings.token, acceptTokenHeader: settings.acceptTokenHeader, nowMs: Date.now() });
  const copy = parseCopyRequest(rawBody);
  const result = await copyFile(copy, settings, env.R2_BUCKET, () => new Date());
  log(result.existing ? 'copy.existing' : 'copy.stored', { objectKey: copy.object_key, size: result.size, upload: result.upload, provider: copy.provider ?? 'unknown' });
  return json(200, {
    success: true,
    r2_url: publicUrl(settings.publicBaseUrl, copy.object_key),
    object_key: copy.object_key,
    size: result.size,
    ...(result.originalFilename ? { original_filename: result.originalFilename } : {}),
    ...(result.existing ? { existing: true } : {}),
  });
}

async function readBody(request: Request): Promise<Uint8Array> {
  const declared = Number(request.headers.get('Content-Length') ?? '0');
  if (declared > MAX_REQUEST_BYTES) throw requestTooLarge();
  const body = new Uint8Array(await request.arrayBuffer());
  if (body.byteLength > MAX_REQUEST_BYTES) throw requestTooLarge();
  return body;
}

function requestTooLarge(): HttpError {
  return new HttpError(413, 'request_too_large', `Request body larger than ${MAX_REQUEST_BYTES} bytes`);
}

/** Each path segment percent-encoded, the slashes kept. */
export function publicUrl(base: string, key: string): string {
  return `${base}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** One JSON line per event with a stable `code`; never the token, never a source URL (it may hold a link key). */
function log(code: string, fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ code, ...fields }));
}

export default {
  async fetch(request, env): Promise<Response> {
    try {
      return await handle(request, env);
    } catch (error) {
      if (error instanceof HttpError) {
        if (error.status >= 500) log('copy.failed', { status: error.status, errorCode: error.code });
        return errorResponse(error);
      }
      log('copy.crashed', { message: error instanceof Error ? error.message : String(error) });
      return errorResponse(new HttpError(500, 'internal_error', 'Internal error'));
    }
  },

  async scheduled(controller, env): Promise<void> {
    const result = await deleteExpired(env.R2_BUCKET, new Date(controller.scheduledTime), retentionHours(env));
    log('cleanup.done', { ...result });
  },
} satisfies ExportedHandler<Env>;
