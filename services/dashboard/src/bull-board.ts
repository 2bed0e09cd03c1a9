import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { DeadLetterStore } from '@render-signal/queue';
import type { Express } from 'express';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board over every stage's queue and its dead-letter queue. Dead letters are read-only
 * there: they are replayed from the dashboard's own page, which puts them back on the live queue.
 */
export function bullBoardApp(stages: Iterable<DeadLetterStore>): Express {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(BULL_BOARD_PATH);
  const queues = [...stages].flatMap((store) => [new BullMQAdapter(store.live), new BullMQAdapter(store.dead, { readOnlyMode: true })]);
  createBullBoard({ queues, serverAdapter: adapter, options: { uiConfig: { boardTitle: 'render-signal' } } });
  return adapter.getRouter() as Express;
}
