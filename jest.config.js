// Native ESM Jest (run with --experimental-vm-modules, see package.json) so that ESM-only
// packages such as got load as they do in production. Workspace packages are mapped to their
// TypeScript sources, so tests never run stale builds.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@render-signal/parser/decide$': '<rootDir>/services/parser/src/decide-message.ts',
    '^@render-signal/(contracts|config|logger|queue|core|settings|testing|cli)$': '<rootDir>/packages/$1/src/index.ts',
    '^@render-signal/(imap-fetcher|parser|r2-offloader|webhook-dispatcher|dashboard)$': '<rootDir>/services/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

export default {
  reporters: ['default', '<rootDir>/scripts/summary-reporter.js'],
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{packages,services}/*/test/**/*.test.ts'], testPathIgnorePatterns: ['\\.int\\.test\\.ts$'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{packages,services}/*/test/**/*.int.test.ts', '<rootDir>/test/e2e/**/*.test.ts', '<rootDir>/worker/test/**/*.int.test.ts'],
      // Real servers on a shared 2-core machine: each test waits on events with its own bounds;
      // this is only the ceiling for one that has none.
      testTimeout: 30_000,
      globalSetup: '<rootDir>/packages/testing/src/jest-global-setup.ts',
      globalTeardown: '<rootDir>/packages/testing/src/jest-global-teardown.ts',
    },
  ],
};
