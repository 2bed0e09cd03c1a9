import { runMain } from '@render-signal/queue';
import { parser } from './service.js';

await runMain([parser]);
