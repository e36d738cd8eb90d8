import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/** `npm run test:load`: the load test, apart from `npm test`, on the same DynamoDB Local set-up. */
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/load/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
  },
});
