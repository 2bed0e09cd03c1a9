import type { HttpError } from './http-error.js';

/** The original's CORS answer, plus the two headers of signed requests. */
export const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, User-Agent, X-R2-FETCH-TOKEN, X-R2-Timestamp, X-R2-Signature',
};

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...CORS_HEADERS, ...headers },
  });
}

export function errorResponse(error: HttpError): Response {
  const extra: Record<string, string> = error.code === 'method_not_allowed' ? { Allow: 'POST, OPTIONS' } : {};
  return json(error.status, { success: false, code: error.code, error: error.message }, extra);
}

export function preflight(): Response {
  return new Response(null, { status: 204, headers: CORS_HEADERS });
}
