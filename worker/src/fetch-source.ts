import { HttpError } from './http-error.js';
import type { SourceDeadline } from './source-deadline.js';
import { checkSourceUrl, type SourceRules } from './source-url.js';

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** As the deployed original: some hosts answer a bare client with an HTML preview. */
const USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

/**
 * GETs the source and follows redirects by hand, so that every `Location` passes the same checks
 * as the first URL (a 403 `source_refused` otherwise), at most MAX_REDIRECTS of them. Resolves
 * with the first non-redirect answer, whatever its status.
 */
export async function fetchSource(first: URL, rules: SourceRules, deadline: SourceDeadline): Promise<Response> {
  let url = first;
  for (let redirects = 0; ; redirects++) {
    let response: Response;
    try {
      response = await fetch(url.href, {
        method: 'GET',
        redirect: 'manual',
        signal: deadline.signal,
        headers: { 'User-Agent': USER_AGENT, Accept: '*/*' },
      });
    } catch (error) {
      if (deadline.timedOut) throw new HttpError(504, 'source_timeout', `Source did not answer within ${deadline.ms} ms`);
      throw new HttpError(502, 'source_failed', `Source fetch failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!REDIRECT_STATUSES.has(response.status)) {
      // The body is read at the Worker's pace (guardBody restarts the clock at each read).
      deadline.pause();
      return response;
    }
    deadline.touch();
    await response.body?.cancel().catch(() => undefined);
    const location = response.headers.get('Location');
    if (location === null) throw new HttpError(502, 'source_failed', `Source fetch failed: ${response.status} without Location`);
    if (redirects >= MAX_REDIRECTS) throw new HttpError(502, 'too_many_redirects', `Source redirected more than ${MAX_REDIRECTS} times`);
    url = checkSourceUrl(location, rules, url);
  }
}
