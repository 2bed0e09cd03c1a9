import { filenameFromContentDisposition } from './content-disposition.js';
import type { CopyRequest } from './copy-request.js';
import { fetchSource } from './fetch-source.js';
import { HttpError } from './http-error.js';
import type { Settings } from './settings.js';
import { guardBody, type BodyState } from './source-body.js';
import { SourceDeadline } from './source-deadline.js';
import { checkSourceUrl } from './source-url.js';
import { putInParts, putKnownLength, type StoreOptions } from './store-object.js';

export interface CopyResult {
  size: number;
  /** How the bytes went in: one put of a known length, a put of a short body, or multipart. */
  upload: 'existing' | 'fixed-length' | 'single-part' | 'multipart';
  originalFilename?: string;
  existing: boolean;
}

const HOUR_MS = 3_600_000;

/**
 * Copies the source of one request into R2 under its key, streaming, and says what is stored.
 * The same key twice is one copy: an object already there is reported as it is, nothing fetched.
 */
export async function copyFile(request: CopyRequest, settings: Settings, bucket: R2Bucket, now: () => Date): Promise<CopyResult> {
  const key = request.object_key;
  const stored = await bucket.head(key);
  if (stored !== null) return describeExisting(stored);

  const source = checkSourceUrl(request.source_url, settings);
  const deadline = new SourceDeadline(settings.sourceTimeoutMs);
  const state: BodyState = { bytes: 0 };
  try {
    const response = await fetchSource(source, settings, deadline);
    if (!response.ok) throw new HttpError(502, 'source_failed', `Source fetch failed: ${response.status}`);
    const contentType = response.headers.get('Content-Type');
    if (contentType !== null && /^\s*text\/html\b/i.test(contentType)) {
      throw new HttpError(502, 'source_is_html', 'Source returned HTML preview instead of file');
    }
    const length = declaredLength(response.headers);
    if (length !== undefined && length > settings.maxObjectBytes) throw tooLarge(settings.maxObjectBytes);

    const disposition = response.headers.get('Content-Disposition');
    const originalFilename = filenameFromContentDisposition(disposition);
    const uploadedAt = now();
    const options: StoreOptions = {
      httpMetadata: { contentType: contentType ?? 'application/octet-stream', ...(disposition ? { contentDisposition: disposition } : {}) },
      customMetadata: {
        sourceUrl: request.source_url,
        provider: request.provider || 'unknown',
        emailId: request.email_id || 'unknown',
        uploadedAt: uploadedAt.toISOString(),
        expiresAt: new Date(uploadedAt.getTime() + settings.retentionHours * HOUR_MS).toISOString(),
        ...(originalFilename ? { originalFilename } : {}),
      },
    };
    const body = guardBody(response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() }), deadline, settings.maxObjectBytes, state);
    let upload: CopyResult['upload'] = 'fixed-length';
    try {
      if (length !== undefined) await putKnownLength(bucket, key, body, length, options);
      else upload = (await putInParts(bucket, key, body, options)) > 0 ? 'multipart' : 'single-part';
    } catch (error) {
      throw storeFailure(error, state, length, settings, deadline);
    }
    return { size: state.bytes, upload, existing: false, ...(originalFilename ? { originalFilename } : {}) };
  } finally {
    deadline.stop();
  }
}

function describeExisting(object: R2Object): CopyResult {
  const originalFilename = object.customMetadata?.['originalFilename'];
  return { size: object.size, upload: 'existing', existing: true, ...(originalFilename ? { originalFilename } : {}) };
}

/** Content-Length, unless the body is content-encoded (then fetch decodes it and the length differs). */
function declaredLength(headers: Headers): number | undefined {
  const encoding = headers.get('Content-Encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return undefined;
  const raw = headers.get('Content-Length');
  if (raw === null || !/^\s*\d{1,16}\s*$/.test(raw)) return undefined;
  return Number(raw);
}

function storeFailure(error: unknown, state: BodyState, length: number | undefined, settings: Settings, deadline: SourceDeadline): HttpError {
  if (error instanceof HttpError) return error;
  if (state.failure === 'timeout' || deadline.timedOut) return new HttpError(504, 'source_timeout', `Source sent nothing for ${deadline.ms} ms`);
  if (state.failure === 'too_large') return tooLarge(settings.maxObjectBytes);
  if (state.failure === 'broken') return new HttpError(502, 'source_failed', 'Source fetch failed: the body broke off');
  if (length !== undefined && state.bytes !== length) {
    return new HttpError(502, 'source_failed', `Source fetch failed: ${state.bytes} bytes received, Content-Length said ${length}`);
  }
  return new HttpError(500, 'internal_error', `Storing the object failed: ${error instanceof Error ? error.message : String(error)}`);
}

function tooLarge(max: number): HttpError {
  return new HttpError(413, 'too_large', `Source is larger than MAX_OBJECT_BYTES (${max} bytes)`);
}
