import type { DispatchJob, OffloadJob } from '@render-signal/contracts';
import type { Logger } from '@render-signal/logger';

export interface OffloaderDeps {
  log: Logger;
  enqueueDispatch: (job: DispatchJob) => Promise<string>;
}

/**
 * Copying links to R2 through the Worker is not wired yet: every link keeps its `raw_url` and the
 * payload goes on to dispatch unchanged, so the stage already sits in the pipeline and in its
 * metrics, dead-letter queue and job ids.
 */
export async function offloadLinks(data: OffloadJob, deps: OffloaderDeps): Promise<{ links: number }> {
  await deps.enqueueDispatch({ ref: data.ref, emailId: data.emailId, payload: data.payload });
  const links = data.payload.delivery_links?.length ?? 0;
  deps.log.info({ code: 'offload.passed_through', emailId: data.emailId, links });
  return { links };
}
