import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/browser/**', 'test/nchan/**'],
          typecheck: { enabled: true, include: ['test/**/*.test-d.{ts,tsx}'], tsconfig: './tsconfig.json' },
          testTimeout: 10_000,
        },
      },
      {
        // Real nginx + Nchan + Redis (../shared/nchan): the global setup starts and stops the cluster.
        test: {
          name: 'nchan',
          environment: 'node',
          include: ['test/nchan/**/*.test.ts'],
          globalSetup: ['test/nchan/globalSetup.ts'],
          fileParallelism: false, // the files kill and restart nodes of the one cluster
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
})
