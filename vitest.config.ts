import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'
import { defineConfig } from 'vitest/config'

/** Node 24 and MSW 3, installed by scripts/testOnNode24.mjs (MSW 3 does not run on Node 20). */
const node24Dir = fileURLToPath(new URL('./test/node24/', import.meta.url))
const MSW3_NEEDS_NODE = '22.12.0'

function atLeast(version: string, minimum: string): boolean {
  const [a = 0, b = 0, c = 0] = version.split('.').map(Number)
  const [x = 0, y = 0, z = 0] = minimum.split('.').map(Number)
  return a !== x ? a > x : b !== y ? b > y : c >= z
}

/**
 * Resolves `msw` and `msw/*` from test/node24 (MSW 3) instead of the root (MSW 2), for the tests and for the
 * sources they import, so that `typed-sse/testing` itself runs on MSW 3.
 */
const msw3: Plugin = {
  name: 'msw-3',
  enforce: 'pre',
  resolveId(id) {
    if (!/^msw(\/|$)/.test(id)) return null
    return this.resolve(id, `${node24Dir}package.json`, { skipSelf: true })
  },
}
const msw3Runs = atLeast(process.versions.node, MSW3_NEEDS_NODE)

/**
 * The packed file list and the package's type resolution come from npm and tsc, whatever Node runs vitest: the
 * rerun on Node 24 (TYPED_SSE_RERUN, scripts/testOnNode24.mjs) leaves those tests out.
 */
const onceOnly = process.env.TYPED_SSE_RERUN
  ? ['test/package/pack.test.ts', 'test/package/types.test.ts']
  : []

export default defineConfig({
  test: {
    // The type tests (test/types/*.test-d.ts) are checked by `npm run typecheck` (tsc), as all of test/ is.
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/browser/**', 'test/nchan/**', 'test/node24/**', ...onceOnly],
          provide: { msw: { major: 2 } },
          testTimeout: 10_000,
        },
      },
      {
        // typed-sse/testing on MSW 3; on a Node older than MSW 3 needs, the suite is skipped (and says why).
        plugins: msw3Runs ? [msw3] : [],
        test: {
          name: 'msw3',
          environment: 'node',
          include: ['test/testing/**/*.test.ts'],
          provide: { msw: { major: 3, needsNode: MSW3_NEEDS_NODE, runs: msw3Runs } },
          testTimeout: 10_000,
        },
      },
      {
        // Real nginx + Nchan + Redis (deploy/nchan): the global setup starts and stops the cluster.
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
