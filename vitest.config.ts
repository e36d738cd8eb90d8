import { defineConfig } from 'vitest/config';

// The AWS SDK warns once per process that its 2027 releases need Node 22: the Lambdas run Node 24, and the notice
// would fill a run's output (once per test file). Child processes the tests start inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/load/**', '**/node_modules/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/test-env.ts'],
    // Set before any module of a test file loads, so the logger (created on import) reads them; LOG_LEVEL=DEBUG npm test shows the lines.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'SILENT' },
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
