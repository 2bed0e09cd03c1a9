import type { RedisServer } from './redis-server.js';

// Same key as jest-global-setup.ts; Symbol.for makes it shared without a runtime import.
const HANDLE = Symbol.for('@render-signal/testing:test-redis');

/** Stops the Redis started by the global setup (same process, so the handle is still on globalThis). */
export default async function teardown(): Promise<void> {
  const holder = globalThis as unknown as Record<symbol, RedisServer | undefined>;
  const server = holder[HANDLE];
  if (!server) return;
  holder[HANDLE] = undefined;
  delete process.env['RENDER_SIGNAL_TEST_REDIS_URL'];
  await server.stop();
}
