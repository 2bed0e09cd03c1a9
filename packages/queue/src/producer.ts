import { Queue, type JobsOptions } from 'bullmq';
import type { JobData, JobDefaults, QueueContract } from '@render-signal/contracts';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { PermanentError } from './errors.js';

export interface Producer<C extends QueueContract<string, z.ZodType>> {
  readonly queue: Queue;
  /** Validates against the contract, then adds with the contract's deterministic id. */
  add(data: JobData<C>, options?: Omit<JobsOptions, 'jobId'>): Promise<string>;
  /** The same for many jobs in one write to Redis (all validated first; none added if one is invalid). */
  addBulk(data: readonly JobData<C>[]): Promise<string[]>;
}


export function createProducer<C extends QueueContract<string, z.ZodType>>(
  contract: C,
  connection: Redis,
  prefix: string,
  /** Overrides of the contract's defaults taken from configuration (e.g. WEBHOOK_MAX_ATTEMPTS). */
  defaults: Partial<JobDefaults> = {},
): Producer<C> {
  const queue = new Queue(contract.name, { connection, prefix, defaultJobOptions: { ...contract.defaults, ...defaults } });
  const valid = (data: JobData<C>): JobData<C> => {
    const parsed = contract.schema.safeParse(data);
    if (!parsed.success) {
      throw new PermanentError('job.invalid_data', `refusing to enqueue invalid ${contract.name} job: ${summarise(parsed.error)}`);
    }
    return parsed.data as JobData<C>;
  };
  return {
    queue,
    async add(data, options) {
      const checked = valid(data);
      const jobId = contract.jobId(checked);
      const job = await queue.add(contract.name, checked, { ...options, jobId });
      return job.id ?? jobId;
    },
    async addBulk(data) {
      const jobs = data.map(valid).map((checked) => ({ name: contract.name, data: checked, opts: { jobId: contract.jobId(checked) } }));
      if (jobs.length === 0) return [];
      const added = await queue.addBulk(jobs);
      return added.map((job, i) => job.id ?? jobs[i]!.opts.jobId);
    },
  };
}

/** Paths and messages of a zod error, never the offending values (they may hold personal data). */
export function summarise(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
