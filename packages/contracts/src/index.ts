import { dispatchQueue } from './dispatch.js';
import { fetchQueue } from './fetch.js';
import { offloadQueue } from './offload.js';
import { parseQueue } from './parse.js';

export * from './define-queue.js';
export * from './message-ref.js';
export * from './payload.js';
export * from './fetch.js';
export * from './parse.js';
export * from './offload.js';
export * from './dispatch.js';
export * from './dead-letter.js';

/** The only place queue names are spelled. */
export const QUEUES = {
  fetch: fetchQueue,
  parse: parseQueue,
  offload: offloadQueue,
  dispatch: dispatchQueue,
} as const;

export const ALL_QUEUE_NAMES = Object.values(QUEUES).flatMap((q) => [q.name, q.deadLetterName]);
