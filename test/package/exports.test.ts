import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, root } from './build'

const run = promisify(execFile)

interface SmokeResult {
  format: 'esm' | 'cjs'
  version?: string
  resolved?: string
  exports: { core: string[]; react: string[]; testing: string[]; tabs: string[] }
  event: { type: string; id: string; raw: string; data: unknown; status: string }
  crossFormatGuard?: boolean
  sameClass?: boolean
}

/** Runs a fixture in a plain Node process (no Vite resolution), where `typed-sse` resolves through package.json. */
async function smoke(file: string): Promise<SmokeResult> {
  const { stdout } = await run(process.execPath, [join(root, 'test/package/fixtures', file)], {
    cwd: root,
    timeout: 20_000,
  })
  return JSON.parse(stdout) as SmokeResult
}

/**
 * The runtime exports of each entry point, exactly and sorted: the public API of DESIGN.md. A name added to
 * an entry fails these tests until it is added here on purpose (types are not runtime exports: tsc and the
 * type tests check them).
 */
const PUBLIC_API = {
  core: ['EventStreamError', 'createEventStream', 'isEventStreamError', 'subscribe'],
  react: ['useEventStream'],
  testing: ['createMockChat', 'createMockStream', 'encodeEvent', 'eventStreamHandler', 'eventStreamResponse'],
  tabs: ['tabs'],
}

const names = (entry: object): string[] => Object.keys(entry).sort()

describe('the public API', () => {
  it('is exactly the listed names in the sources of each entry point (`typed-sse`, `/react`, `/testing`, `/tabs`)', async () => {
    const [core, react, testing, tabs] = await Promise.all([
      import('../../src/index'),
      import('../../src/react/index'),
      import('../../src/testing/index'),
      import('../../src/tabs/index'),
    ])
    expect({ core: names(core), react: names(react), testing: names(testing), tabs: names(tabs) }).toEqual(
      PUBLIC_API,
    )
  })
})

describe('the built package in Node', () => {
  let esm: SmokeResult
  let cjs: SmokeResult

  beforeAll(async () => {
    ensureBuilt()
    ;[esm, cjs] = await Promise.all([smoke('smoke.mjs'), smoke('smoke.cjs')])
  }, 150_000)

  it('exports exactly the listed names from `typed-sse`, `typed-sse/react`, `typed-sse/testing` and `typed-sse/tabs`', () => {
    expect(esm.exports).toEqual(PUBLIC_API)
  })

  it('exports the same names from the CommonJS build as from the ES module build', () => {
    expect(cjs.exports).toEqual(esm.exports)
  })

  it('resolves `require("typed-sse")` to the CommonJS file and reads package.json through `exports`', () => {
    expect(cjs.resolved).toBe(join(root, 'dist/index.cjs'))
    expect(cjs.version).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('streams and decodes an event with either build', () => {
    const expected = {
      type: 'greeting',
      id: '7',
      raw: '{"hello":"world"}',
      data: { hello: 'world' },
      status: 'closed',
    }
    expect(esm.event).toEqual(expected)
    expect(cjs.event).toEqual(expected)
  })

  it('recognises an error of the CommonJS build with the ES module guard (two copies, one name check)', () => {
    expect(esm.sameClass).toBe(false)
    expect(esm.crossFormatGuard).toBe(true)
  })
})
