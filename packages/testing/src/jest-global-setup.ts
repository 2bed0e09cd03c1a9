import Module from 'node:module';
import type { RedisServer } from './redis-server.js';

// Shared with jest-global-teardown.ts by value (not import), see importRedisServer().
const HANDLE = Symbol.for('@render-signal/testing:test-redis');

/**
 * Starts the run's one private Redis. Jest runs this in its main process before the workers exist,
 * so the URL set on process.env reaches every worker; the handle stays on globalThis for teardown.
 */
export default async function setup(): Promise<void> {
  const holder = globalThis as unknown as Record<symbol, RedisServer | undefined>;
  if (holder[HANDLE]) return; // watch mode runs the global setup again
  const { startRedisServer } = await importRedisServer();
  const server = await startRedisServer();
  holder[HANDLE] = server;
  process.env['RENDER_SIGNAL_TEST_REDIS_URL'] = server.url;
}

type ResolveFilename = (this: unknown, request: string, ...rest: unknown[]) => string;

/**
 * Jest loads global setup files through a CommonJS require hook, without the moduleNameMapper
 * that maps our `./x.js` specifiers onto `./x.ts` sources, so `./redis-server.js` would not be
 * found. For the duration of this one import, a relative `.js` request that fails to resolve is
 * retried as `.ts` (Jest's hook then transpiles it). Outside Jest the first attempt succeeds.
 */
async function importRedisServer(): Promise<typeof import('./redis-server.js')> {
  const loader = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = loader._resolveFilename;
  loader._resolveFilename = function resolveTsSource(request, ...rest) {
    try {
      return original.call(this, request, ...rest);
    } catch (error) {
      if (!/^\.\.?\//.test(request) || !request.endsWith('.js')) throw error;
      return original.call(this, `${request.slice(0, -'.js'.length)}.ts`, ...rest);
    }
  };
  try {
    return await import('./redis-server.js');
  } finally {
    loader._resolveFilename = original;
  }
}
