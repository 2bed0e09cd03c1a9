import type { z } from 'zod';

/** Retry and retention settings a queue applies to every job unless the producer overrides them. */
export interface JobDefaults {
  attempts: number;
  /**
   * BullMQ's `exponential` or `fixed`, or a type of the stage's own (`offload`, ...) that its
   * processor computes with a custom backoff strategy.
   */
  backoff?: { type: string; delay: number; jitter?: number };
  /** Completed jobs are kept for this long so a re-enqueue with the same id is ignored. */
  removeOnComplete: { age: number; count?: number };
  removeOnFail: { age: number; count?: number };
}

export interface QueueContract<Name extends string, Schema extends z.ZodType> {
  readonly name: Name;
  /** Where jobs that used up their attempts, or failed for good, are parked with their reason. */
  readonly deadLetterName: `${Name}.dead`;
  readonly schema: Schema;
  readonly defaults: JobDefaults;
  /** Deterministic job id: the same input enqueued twice is one job. */
  readonly jobId: (data: z.output<Schema>) => string;
}

export type JobData<C> = C extends QueueContract<string, infer S> ? z.output<S> : never;

export function defineQueue<Name extends string, Schema extends z.ZodType>(contract: {
  name: Name;
  schema: Schema;
  defaults: JobDefaults;
  jobId: (data: z.output<Schema>) => string;
}): QueueContract<Name, Schema> {
  return { ...contract, deadLetterName: `${contract.name}.dead` };
}

const DAY_SECONDS = 24 * 3600;
export const RETENTION = {
  completed: { age: 7 * DAY_SECONDS, count: 10_000 },
  failed: { age: 30 * DAY_SECONDS },
} as const;
