import { z } from 'zod';
import { defineQueue, RETENTION } from './define-queue.js';

export const fetchJobSchema = z.object({
  mailbox: z.string().min(1),
  trigger: z.enum(['schedule', 'manual', 'startup', 'push']),
  /** Names one manual sync ("check now"): each request is its own job, never merged with an earlier one. */
  requestId: z.uuid().optional(),
});
export type FetchJob = z.infer<typeof fetchJobSchema>;

/** One mailbox sync. Ticked by a job scheduler; a failed sync is simply retried at the next tick. */
export const fetchQueue = defineQueue({
  name: 'fetch',
  schema: fetchJobSchema,
  defaults: { attempts: 1, removeOnComplete: { age: 3600, count: 100 }, removeOnFail: { age: RETENTION.failed.age, count: 100 } },
  jobId: (data) => `sync.${encodeURIComponent(data.mailbox)}.${data.trigger}${data.requestId ? `.${data.requestId}` : ''}`,
});
