import { FlowProducer, type FlowJob, type JobsOptions } from 'bullmq';
import type { JobData, QueueContract } from '@render-signal/contracts';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { PermanentError } from './errors.js';
import { summarise } from './producer.js';

type AnyContract = QueueContract<string, z.ZodType>;

export interface FlowNode<C extends AnyContract = AnyContract> {
  contract: C;
  data: JobData<C>;
  options?: Omit<JobsOptions, 'jobId'>;
}

export interface FlowEnqueuer {
  readonly producer: FlowProducer;
  /** Adds a parent job that runs once all its children have finished; every node is validated. */
  add(parent: FlowNode, children: readonly FlowNode[]): Promise<string>;
}

export function createFlowEnqueuer(connection: Redis, prefix: string): FlowEnqueuer {
  const producer = new FlowProducer({ connection, prefix });
  const toFlowJob = (node: FlowNode): FlowJob => {
    const parsed = node.contract.schema.safeParse(node.data);
    if (!parsed.success) {
      throw new PermanentError('job.invalid_data', `refusing to enqueue invalid ${node.contract.name} job: ${summarise(parsed.error)}`);
    }
    // A flow does not apply the queue's default options: they are spelled out here.
    return {
      name: node.contract.name,
      queueName: node.contract.name,
      data: parsed.data,
      opts: { ...node.contract.defaults, ...node.options, jobId: node.contract.jobId(parsed.data) },
    };
  };
  return {
    producer,
    async add(parent, children) {
      const tree = await producer.add({ ...toFlowJob(parent), children: children.map(toFlowJob) });
      return tree.job.id ?? '';
    },
  };
}
