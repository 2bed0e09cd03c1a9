export { r2Offloader } from './service.js';
export { offloadLinks, type OffloaderDeps } from './processor.js';
