import { runMain } from '@render-signal/queue';
import { imapFetcher } from './service.js';

await runMain([imapFetcher]);
