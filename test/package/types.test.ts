import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, root } from './build'

const run = promisify(execFile)

/** Type-checks the consumer fixtures against the built `.d.ts`/`.d.cts` files with one tsconfig. */
async function typecheck(tsconfig: string): Promise<string> {
  try {
    await run(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'test/package/fixtures', tsconfig)],
      { cwd: root, timeout: 60_000 },
    )
    return ''
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string }
    return `${stdout ?? ''}${stderr ?? ''}` || message
  }
}

describe('the published types', () => {
  /** Both checks run at once (each is a few seconds of tsc); the tests read their outcomes. */
  const outcomes: Record<string, Promise<string>> = {}

  beforeAll(() => {
    ensureBuilt()
    for (const name of ['node16', 'bundler']) outcomes[name] = typecheck(`tsconfig.${name}.json`)
  }, 150_000)

  it('resolve and type a consumer under moduleResolution node16, as ESM (.mts) and CommonJS (.cts)', async () => {
    expect(await outcomes.node16).toBe('')
  }, 60_000)

  it('resolve and type a consumer under moduleResolution bundler', async () => {
    expect(await outcomes.bundler).toBe('')
  }, 60_000)
})
