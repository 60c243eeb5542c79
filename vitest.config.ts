import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'src/**/*.test.ts',
            'hack/**/*.test.ts',
            'test/lint/**/*.test.ts',
            'test/bench/**/*.test.ts',
            'test/observability/**/*.test.ts',
            'test/gitops/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          // one control plane for the whole run; each file gets its own namespace
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/report-logs.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // files share one small control plane on a 2-core machine
          fileParallelism: false,
        },
      },
    ],
  },
});
