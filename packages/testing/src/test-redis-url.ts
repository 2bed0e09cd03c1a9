/** Set by the integration project's Jest global setup, which starts one private Redis per run. */
export const TEST_REDIS_URL_ENV = 'RENDER_SIGNAL_TEST_REDIS_URL';

/** The URL of the run's private Redis. Combine with `uniquePrefix()` so tests stay apart. */
export function testRedisUrl(): string {
  const url = process.env[TEST_REDIS_URL_ENV];
  if (!url) {
    throw new Error(
      `${TEST_REDIS_URL_ENV} is not set: the test Redis is started by packages/testing/src/jest-global-setup.ts, ` +
        'which only the "integration" Jest project runs (name the test *.int.test.ts and run --selectProjects integration)',
    );
  }
  return url;
}
