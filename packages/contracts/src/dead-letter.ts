import { z } from 'zod';

/** What a `<stage>.dead` queue holds: the original job, untouched, and why it was given up. */
export const deadLetterSchema = z.object({
  queue: z.string(),
  jobId: z.string(),
  data: z.unknown(),
  reason: z.string(),
  /** Stable error code (the `code` of the error that ended the job), or `error.unclassified`. */
  code: z.string(),
  attemptsMade: z.number().int().nonnegative(),
  failedAt: z.iso.datetime(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
