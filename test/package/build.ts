import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The package root (two levels up from test/package). */
export const root = fileURLToPath(new URL('../..', import.meta.url))

const builtFiles = [
  'index.js',
  'index.cjs',
  'index.d.ts',
  'index.d.cts',
  'react.js',
  'react.cjs',
  'testing.js',
  'testing.cjs',
  'tabs.js',
  'tabs.cjs',
]

/**
 * These tests check the built package: `npm test` builds it first. Run alone (`npx vitest run`) on a
 * checkout without `dist/`, they build it once themselves.
 */
export function ensureBuilt(): void {
  if (builtFiles.every((file) => existsSync(join(root, 'dist', file)))) return
  execFileSync(process.execPath, [join(root, 'node_modules/tsup/dist/cli-default.js')], {
    cwd: root,
    stdio: 'ignore',
    timeout: 120_000,
  })
}
