// Bundle size budget: bundles and minifies the built entries with esbuild (as an app's bundler would),
// compresses them with brotli (quality 11) and fails when one is over budget.
//   node scripts/size.mjs          check the budget (part of `npm test`, after the build)
//   node scripts/size.mjs --json   print the measurements as JSON
//   node scripts/size.mjs --why    also list what each source module adds to the minified core
// Sizes are bytes; 1 KB here is 1024 bytes.

import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

// The budgets hold today's sizes with a little headroom, so that growth fails CI; lower them as the code
// shrinks (`--why` lists what each module adds). The core was 4.96 KB before the hardening (validated
// requests, odd responses, redacted messages, the flapping-server rule) and the `share` seam (6.4 KB), and
// the page-lifecycle options (`resume`, `pauseWhenHidden`, `lastEventIdParam`: 7.2 KB), `for await`
// backpressure (7.34 KB), the split of the connection into smaller modules (7.49 KB), then the parser's
// inline paths for the usual lines (+0.14 KB, tokens parsed 1.7× faster) and the attempt and fan-out in
// modules of their own (+0.15 KB): 7.79 KB; the classes on the event path whose optimised code outlives a
// stream (`keepShape`: +0.14 KB, a fresh stream of 100k small events in about half the time): 7.93 KB.
export const BUDGETS = {
  core: 7.95 * 1024, // `typed-sse`, everything it exports
  react: 1.25 * 1024, // `typed-sse/react` on top of the core (the core and react external)
  // `typed-sse/tabs` on top of the core (the core external): the 1.5 KB. 1.49 KB, 1.78 KB (1824
  // bytes) with pauseWhenHidden across tabs, then 1.49 KB (1530 bytes; pauseWhenHidden ~185 of them) with
  // messages as arrays with numbered kinds, one path for the leader's reports to its tab and the others,
  // and one function that asks for the "awake" lock as the tab's role and visibility say.
  tabs: 1.5 * 1024,
}

/**
 * Bundles `contents` (ESM source whose imports resolve from `resolveDir`, the package root by default) for
 * the browser, minified, and returns its sizes: `{ min, gzip, brotli }` in bytes, and the code.
 */
export async function measure(contents, { external = [], resolveDir = root } = {}) {
  const result = await build({
    stdin: { contents, resolveDir, sourcefile: 'entry.mjs', loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  })
  const code = result.outputFiles[0].contents
  const brotli = brotliCompressSync(code, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    },
  }).length
  return {
    min: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli,
    code: Buffer.from(code).toString(),
  }
}

/** Measures typed-sse's entries from `dist/` (build first). */
export async function measureOurs() {
  for (const file of ['dist/index.js', 'dist/react.js', 'dist/tabs.js']) {
    if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run \`npm run build\` first`)
  }
  const core = await measure(`export * from './dist/index.js'`)
  // The chunks that the ESM build splits out of the core (code that other entries share with it) are
  // part of the core: an app that imports an entry imports the core, and its bundler keeps one copy.
  const onTopOfCore = ['typed-sse', './chunk-*.js']
  const react = await measure(`export * from './dist/react.js'`, { external: [...onTopOfCore, 'react'] })
  const tabs = await measure(`export * from './dist/tabs.js'`, { external: onTopOfCore })
  // Tree-shaking: an app that imports only the error guard must not get the connection code.
  const errorsOnly = await measure(`export { isEventStreamError } from './dist/index.js'`)
  return { core, react, tabs, errorsOnly }
}

/**
 * Measures what users would pick instead, the same way (everything each entry exports), as installed in
 * `resolveDir`'s node_modules. Keys: the package, and `+ /stream` for eventsource-parser with its streams.
 */
export async function measurePeers(resolveDir) {
  const peers = {
    'eventsource-parser': `export * from 'eventsource-parser'`,
    'eventsource-parser + /stream': `export * from 'eventsource-parser'; export * from 'eventsource-parser/stream'`,
    eventsource: `export * from 'eventsource'`,
    '@microsoft/fetch-event-source': `export * from '@microsoft/fetch-event-source'`,
    'eventsource-client': `export * from 'eventsource-client'`,
  }
  const sizes = {}
  for (const [name, contents] of Object.entries(peers)) {
    const { min, gzip, brotli } = await measure(contents, { resolveDir })
    sizes[name] = { min, gzip, brotli }
  }
  return sizes
}

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`

/** Minified bytes per source module of the core (from src/, so it needs no build). */
export async function coreBreakdown() {
  const result = await build({
    entryPoints: [join(root, 'src/index.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const [output] = Object.values(result.metafile.outputs)
  return Object.entries(output.inputs)
    .map(([file, { bytesInOutput }]) => ({ file, bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes)
}

async function main() {
  const { core, react, tabs, errorsOnly } = await measureOurs()
  const rows = [
    ['typed-sse (core)', core, BUDGETS.core],
    ['typed-sse/react (on top of the core)', react, BUDGETS.react],
    ['typed-sse/tabs (on top of the core)', tabs, BUDGETS.tabs],
  ]
  if (process.argv.includes('--json')) {
    const strip = ({ min, gzip, brotli }) => ({ min, gzip, brotli })
    console.log(
      JSON.stringify({
        core: strip(core),
        react: strip(react),
        tabs: strip(tabs),
        errorsOnly: strip(errorsOnly),
        budgets: BUDGETS,
      }),
    )
    return
  }
  let failed = false
  for (const [name, size, budget] of rows) {
    const ok = size.brotli <= budget
    failed ||= !ok
    console.log(
      `${ok ? 'ok  ' : 'OVER'} ${name}: ${kb(size.brotli)} min+brotli (budget ${kb(budget)}), ${kb(size.gzip)} gzip, ${kb(size.min)} min`,
    )
  }
  // Tree-shaking check: the connection (which names the media type) stays out of an errors-only import.
  const shaken = !errorsOnly.code.includes('text/event-stream') && errorsOnly.brotli < core.brotli / 2
  failed ||= !shaken
  console.log(
    `${shaken ? 'ok  ' : 'FAIL'} tree-shaking: importing only isEventStreamError bundles ${kb(errorsOnly.brotli)} min+brotli${shaken ? '' : ' (the connection code came along: check sideEffects and module-level code)'}`,
  )
  if (process.argv.includes('--why')) {
    console.log('minified bytes per module of the core (before compression):')
    for (const { file, bytes } of await coreBreakdown())
      console.log(`  ${String(bytes).padStart(6)}  ${file}`)
  }
  if (failed) {
    console.error(
      'size budget exceeded: see above (`node scripts/size.mjs --why` lists what each module adds)',
    )
    process.exit(1)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
