export { ALL_SERVICES } from './services.js';
export { checkEmail, EXIT, type CheckRequest, type CheckResult } from './check.js';
export { loadServices } from './load-services.js';
