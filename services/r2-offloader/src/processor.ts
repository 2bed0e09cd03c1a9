import type { OffloadJob, OffloadResult } from '@render-signal/contracts';
import type { Logger } from '@render-signal/logger';

export interface OffloaderDeps {
  log: Logger;
}

/**
 * Copying a link to R2 through the Worker is not wired yet: the link comes back unchanged, with
 * only its `raw_url`. The stage already sits in the pipeline as the dispatch job's children, with
 * its metrics, dead-letter queue and job ids.
 */
export async function offloadLink(data: OffloadJob, deps: OffloaderDeps): Promise<OffloadResult> {
  deps.log.info({ code: 'offload.passed_through', emailId: data.emailId, index: data.index, provider: data.link.provider });
  return { index: data.index, link: data.link };
}
