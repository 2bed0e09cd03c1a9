import { Job } from 'bullmq';
import { QUEUES, type DispatchJob } from '@render-signal/contracts';
import type { FlowEnqueuer, Producer } from '@render-signal/queue';

/**
 * Enqueues the dispatch job as the parent of one offload job per link. Children carry
 * `ignoreDependencyOnFailure`: a link that cannot be copied never holds the webhook back. A
 * parse job retried after its flow was added finds the dispatch job and adds nothing.
 */
export function dispatchAfterOffload(flows: FlowEnqueuer, dispatch: Producer<typeof QUEUES.dispatch>, attempts: number) {
  return async (job: DispatchJob): Promise<void> => {
    if (await Job.fromId(dispatch.queue, QUEUES.dispatch.jobId(job))) return;
    const links = job.payload.delivery_links ?? [];
    await flows.add(
      { contract: QUEUES.dispatch, data: job, options: { attempts } },
      links.map((link, index) => ({
        contract: QUEUES.offload,
        data: { ref: job.ref, emailId: job.emailId, index, link },
        options: { ignoreDependencyOnFailure: true },
      })),
    );
  };
}
