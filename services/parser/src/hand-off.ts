import { Job } from 'bullmq';
import { QUEUES, messageKey, type DispatchJob, type MessageRef } from '@render-signal/contracts';
import type { FlowEnqueuer, Producer } from '@render-signal/queue';

/** Whether this message's dispatch job exists already (the dispatch contract's id is the message key). */
export async function dispatchExists(dispatch: Producer<typeof QUEUES.dispatch>, ref: MessageRef): Promise<boolean> {
  return (await Job.fromId(dispatch.queue, messageKey(ref))) !== undefined;
}

/**
 * Enqueues the dispatch job as the parent of one offload job per link. Children carry
 * `ignoreDependencyOnFailure`: a link that cannot be copied never holds the webhook back. A
 * parse job retried after its flow was added finds the dispatch job and adds nothing.
 */
export function dispatchAfterOffload(flows: FlowEnqueuer, dispatch: Producer<typeof QUEUES.dispatch>, attempts: () => number) {
  return async (job: DispatchJob): Promise<void> => {
    if (await dispatchExists(dispatch, job.ref)) return;
    const links = job.payload.delivery_links ?? [];
    await flows.add(
      { contract: QUEUES.dispatch, data: job, options: { attempts: attempts() } },
      links.map((link, index) => ({
        contract: QUEUES.offload,
        data: { ref: job.ref, emailId: job.emailId, index, link },
        options: { ignoreDependencyOnFailure: true },
      })),
    );
  };
}
