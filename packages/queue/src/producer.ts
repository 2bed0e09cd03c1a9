import { Queue, type JobsOptions } from 'bullmq';
import type { JobData, JobDefaults, QueueContract } from '@render-signal/contracts';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { PermanentError } from './errors.js';

export interface Producer<C extends QueueContract<string, z.ZodType>> {
  readonly queue: Queue;
  /** Validates against the contract, then adds with the contract's deterministic id. */
  add(data: JobData<C>, options?: Omit<JobsOptions, 'jobId'>): Promise<string>;
}


export function createProducer<C extends QueueContract<string, z.ZodType>>(
  contract: C,
  connection: Redis,
  prefix: string,
  /** Overrides of the contract's defaults taken from configuration (e.g. WEBHOOK_MAX_ATTEMPTS). */
  defaults: Partial<JobDefaults> = {},
): Producer<C> {
  const queue = new Queue(contract.name, { connection, prefix, defaultJobOptions: { ...contract.defaults, ...defaults } });
  return {
    queue,
    async add(data, options) {
      const parsed = contract.schema.safeParse(data);
      if (!parsed.success) {
        throw new PermanentError('job.invalid_data', `refusing to enqueue invalid ${contract.name} job: ${summarise(parsed.error)}`);
      }
      const jobId = contract.jobId(parsed.data);
      const job = await queue.add(contract.name, parsed.data, { ...options, jobId });
      return job.id ?? jobId;
    },
  };
}

/** Paths and messages of a zod error, never the offending values (they may hold personal data). */
export function summarise(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
