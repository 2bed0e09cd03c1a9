import { runMain } from '@render-signal/queue';
import { r2Offloader } from './service.js';

await runMain([r2Offloader]);
