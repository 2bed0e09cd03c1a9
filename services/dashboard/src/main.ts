import { runMain } from '@render-signal/queue';
import { dashboard } from './service.js';

await runMain([dashboard]);
