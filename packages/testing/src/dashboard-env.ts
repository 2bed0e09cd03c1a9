/** Login of the dashboard in tests. */
export const DASHBOARD_TEST_LOGIN = { user: 'admin', password: 'correct horse battery staple' } as const;

/** The variables the dashboard requires, with test values (any process that starts every service needs them). */
export const DASHBOARD_TEST_ENV = {
  TRIGGER_PAGE_USER: DASHBOARD_TEST_LOGIN.user,
  TRIGGER_PAGE_PASSWORD: DASHBOARD_TEST_LOGIN.password,
  FLASK_SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
} as const;
