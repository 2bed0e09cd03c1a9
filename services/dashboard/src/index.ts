export { dashboard } from './service.js';
export { createDashboardApp } from './app.js';
