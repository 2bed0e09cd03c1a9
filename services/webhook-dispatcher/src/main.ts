import { runMain } from '@render-signal/queue';
import { webhookDispatcher } from './service.js';

await runMain([webhookDispatcher]);
