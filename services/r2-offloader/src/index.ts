export { r2Offloader } from './service.js';
export { offloadLink, type OffloaderDeps } from './processor.js';
