/** Every refusal the Worker answers with: an HTTP status, a stable code and a message. */
export type ErrorCode =
  | 'method_not_allowed'
  | 'not_configured'
  | 'unauthorized'
  | 'invalid_request'
  | 'request_too_large'
  | 'source_refused'
  | 'too_large'
  | 'too_many_redirects'
  | 'source_failed'
  | 'source_is_html'
  | 'source_timeout'
  | 'internal_error';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
