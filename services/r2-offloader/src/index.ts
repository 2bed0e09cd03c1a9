export { createR2Offloader, r2Offloader, type R2OffloaderOptions } from './service.js';
export { offloadLink, offloadRetryDelay, type OffloaderDeps, type AttemptInfo } from './processor.js';
export { checkSourceUrl } from './source-guard.js';
export { callWorker, workerAuthHeaders, type WorkerOutcome, type WorkerRequest } from './worker-client.js';
export { createLinksLog, type LinksLog, type StoredLinkPair } from './links-log.js';
export { OffloadMetrics } from './offload-metrics.js';
