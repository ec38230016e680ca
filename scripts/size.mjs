// Bundle size budget: bundles and minifies the built entries with esbuild (as an app's bundler would),
// compresses them with brotli (quality 11) and fails when one is over budget.
//   node scripts/size.mjs          check the budget (part of `npm test`, after the build)
//   node scripts/size.mjs --json   print the measurements as JSON
//   node scripts/size.mjs --why    also list what each source module adds to the minified core
// Sizes are bytes; 1 KB here is 1024 bytes.

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

// What an app gets: the packed package (`npm pack`), installed and bundled with its entries together, as an
// app's bundler does. The core is everything `typed-sse` exports; react and tabs are what importing them as
// well adds to that bundle. Each budget is its measured size with a little headroom, so that growth fails
// CI; `--why` lists what each module adds.
export const BUDGETS = {
  core: 10.4 * 1024, // `typed-sse`: the parser, the connection and its rules, every option checked, streams that end, an event path V8 keeps optimised
  react: 1.3 * 1024, // `typed-sse/react` added to the core: the hook, its store, stand-ins and `reduce`
  tabs: 1.5 * 1024, // `typed-sse/tabs` added to the core: leader election, messages, hand-over, pauses
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

/** Packs the package (build first) and installs it into a temporary app folder; returns that folder. */
function installPacked() {
  for (const file of ['dist/index.js', 'dist/react.js', 'dist/tabs.js']) {
    if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run \`npm run build\` first`)
  }
  const app = mkdtempSync(join(tmpdir(), 'typed-sse-size-'))
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', app], {
    cwd: root,
    encoding: 'utf8',
  }).trim()
  const target = join(app, 'node_modules', 'typed-sse')
  mkdirSync(target, { recursive: true })
  execFileSync('tar', ['-xzf', join(app, packed), '-C', target, '--strip-components=1'])
  return app
}

/** Measures typed-sse's entries as an app bundles the packed package (build first). */
export async function measureOurs() {
  const app = installPacked()
  try {
    const bundle = (contents) => measure(contents, { external: ['react'], resolveDir: app })
    const core = await bundle(`export * from 'typed-sse'`)
    const withReact = await bundle(`export * from 'typed-sse'; export * from 'typed-sse/react'`)
    const withTabs = await bundle(`export * from 'typed-sse'; export * from 'typed-sse/tabs'`)
    const added = (together) => ({
      min: together.min - core.min,
      gzip: together.gzip - core.gzip,
      brotli: together.brotli - core.brotli,
    })
    // Tree-shaking: an app that imports only the error guard must not get the connection code.
    const errorsOnly = await bundle(`export { isEventStreamError } from 'typed-sse'`)
    return { core, react: added(withReact), tabs: added(withTabs), errorsOnly }
  } finally {
    rmSync(app, { recursive: true, force: true })
  }
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
    ['typed-sse/react (added to the core)', react, BUDGETS.react],
    ['typed-sse/tabs (added to the core)', tabs, BUDGETS.tabs],
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
