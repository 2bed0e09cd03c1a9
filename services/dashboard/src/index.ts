export { buildDashboardDeps, dashboard, listen } from './service.js';
export { createDashboardApp, SESSION_COOKIE } from './app.js';
export type { DashboardDeps } from './deps.js';
export { MagicLinks, signMagicToken } from './auth/magic-links.js';
export { hashPassword, verifyPassword } from './auth/password.js';
export { ratePerMinute, readStatus, STAGES, type StageName, type Status } from './status.js';
export { listRoutes, type RouteInfo } from './list-routes.js';
