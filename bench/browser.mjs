// The Chromium section of `npm run bench`: bench/page.mjs bundled with esbuild (the peers from
// bench/node_modules, typed-sse from dist/), served by the loopback server (bench/server.mjs --static) on the
// same origin as the streams, driven by Playwright in Debian's Chromium (CHROME_PATH overrides), headless.
// Each contender runs in a fresh browser context (its own renderer process): warm-up runs, then timed runs.

import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { buildCorpus } from './corpora.mjs'
import { peerVersion } from './peers.mjs'

const bench = dirname(fileURLToPath(import.meta.url))
const parser = `eventsource-parser ${peerVersion('eventsource-parser')}`
const client = `eventsource-client ${peerVersion('eventsource-client')}`

/** Native EventSource reads about 20k events/s: it gets this fraction of each corpus (the first events). */
export const NATIVE_FRACTION = 10

/** Table order; `kind` as in contenders.mjs. `fraction`: the contender reads 1/fraction of the corpus. */
export const BROWSER_CONTENDERS = {
  'typed-sse-text': { label: "typed-sse (on, decode 'text')", kind: 'ours' },
  'typed-sse-json': { label: "typed-sse (on, decode 'json': JSON.parse per event)", kind: 'ours' },
  'typed-sse-for-await': { label: "typed-sse (for await, decode 'text')", kind: 'ours' },
  'native-eventsource': {
    label: `native EventSource (addEventListener; first 1/${NATIVE_FRACTION} of the events)`,
    kind: 'callbacks',
    fraction: NATIVE_FRACTION,
  },
  'eventsource-parser': { label: `${parser} (createParser + TextDecoderStream)`, kind: 'callbacks' },
  'eventsource-client': {
    label: `${client} (onMessage; its eventsource-parser ${peerVersion('eventsource-parser', 'eventsource-client')})`,
    kind: 'callbacks',
  },
  'eventsource-parser-json': {
    label: `${parser} (createParser + TextDecoderStream, handler calls JSON.parse)`,
    kind: 'json',
  },
  'eventsource-client-json': { label: `${client} (onMessage, handler calls JSON.parse)`, kind: 'json' },
  'eventsource-parser-generator': {
    label: `${parser} (createParser behind a pull-based async generator, for await)`,
    kind: 'generator',
  },
  'eventsource-client-for-await': {
    label: `${client} (for await, close() on disconnect)`,
    kind: 'other',
    lossy: true,
    // Its loop's end takes seconds (see contenders.mjs): one run per round, stopped after `timeLimit` ms.
    warmUps: 0,
    maxRuns: 1,
    timeLimit: 10_000,
  },
  floor: { label: 'floor (fetch, TextDecoder + count blank lines)', kind: 'floor' },
}

/** Bundles bench/page.mjs into `dir` (page.js, index.html); TYPED_SSE_DIST swaps the typed-sse build. */
export async function bundlePage(dir) {
  const swapDist = {
    name: 'typed-sse-dist',
    setup(builder) {
      builder.onResolve({ filter: /\/dist\/index\.js$/ }, () => ({ path: process.env.TYPED_SSE_DIST }))
    },
  }
  await build({
    entryPoints: [join(bench, 'page.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(dir, 'page.js'),
    logLevel: 'warning',
    plugins: process.env.TYPED_SSE_DIST ? [swapDist] : [],
  })
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>typed-sse bench</title><script type="module" src="/page.js"></script>\n',
  )
}

const STOPPED = Symbol('stopped')

/** Launches Chromium: the Playwright in the root's devDependencies, the system's Chromium. */
export async function launch() {
  const { chromium } = await import('playwright')
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--js-flags=--expose-gc',
    ],
  })
}

/**
 * Runs `contenders` on `corpora` in Chromium, each round every contender once per corpus in a fresh
 * context (`warmUps` untimed runs, then `runs` timed ones); returns `{ version, results }` with one
 * `{ corpus, contender, times, events, bytes, delivered? }` per contender and corpus (times of all rounds).
 */
export async function measureBrowser({ origin, corpora, contenders, rounds, runs, warmUps = 2, log }) {
  const facts = new Map(
    corpora.map((name) => {
      const { events, types, bytes } = buildCorpus(name)
      return [name, { events, types, bytes: bytes.length, sizeOf: (count) => sizeOf(bytes, count) }]
    }),
  )
  const browser = await launch()
  const version = browser.version()
  const results = new Map()
  try {
    for (let round = 0; round < rounds; round++) {
      for (const corpus of corpora) {
        const { events: all, types, bytes, sizeOf: size } = facts.get(corpus)
        for (const contender of contenders) {
          const {
            fraction = 1,
            lossy = false,
            maxRuns = runs,
            timeLimit,
            ...rest
          } = BROWSER_CONTENDERS[contender]
          const events = Math.floor(all / fraction)
          const url = `${origin}/${corpus}${fraction === 1 ? '' : `?events=${events}`}`
          const context = await browser.newContext()
          try {
            const page = await context.newPage()
            const errors = []
            const delivered = []
            page.on('pageerror', (error) => errors.push(error))
            page.on('console', (message) => {
              const [tag, run, count] = message.text().split(' ')
              if (tag === 'bench:delivered' && Number(run) >= 0) delivered.push(Number(count))
            })
            await page.goto(`${origin}/`)
            await page.waitForFunction(() => typeof window.runBench === 'function')
            const evaluation = page.evaluate((options) => window.runBench(options), {
              contender,
              url,
              types,
              events,
              warmUps: rest.warmUps ?? warmUps,
              runs: Math.min(runs, maxRuns),
              lossy,
            })
            let timer
            const limit =
              timeLimit && new Promise((resolve) => (timer = setTimeout(() => resolve(STOPPED), timeLimit)))
            const measured = await (limit ? Promise.race([evaluation, limit]) : evaluation)
            clearTimeout(timer)
            if (measured === STOPPED) evaluation.catch(() => {}) // the page closes with the context
            if (errors.length > 0) throw errors[0]
            const key = `${corpus}/${contender}`
            const entry = results.get(key) ?? {
              corpus,
              contender,
              times: [],
              events,
              bytes: fraction === 1 ? bytes : size(events),
              ...(lossy && { delivered: [] }),
            }
            results.set(key, entry)
            if (measured === STOPPED) {
              // Give the console message of the disconnect a moment to arrive.
              await new Promise((resolve) => setTimeout(resolve, 200))
              Object.assign(entry, { stopped: timeLimit, stoppedRounds: (entry.stoppedRounds ?? 0) + 1 })
              if (lossy) entry.delivered.push(...delivered)
              log?.(`  chromium ${corpus} ${contender}: stopped after ${timeLimit} ms`)
              continue
            }
            entry.times.push(...measured.times)
            if (lossy) entry.delivered.push(...measured.delivered)
            log?.(
              `  chromium ${corpus} ${contender}: ${measured.times.map((t) => t.toFixed(1)).join(', ')} ms`,
            )
          } finally {
            await context.close()
          }
        }
      }
    }
  } finally {
    await browser.close()
  }
  return { version, results: [...results.values()] }
}

/** The byte length of the first `count` events of a corpus. */
function sizeOf(bytes, count) {
  let seen = 0
  for (let i = 1; i < bytes.length; i++) {
    if (bytes[i] === 10 && bytes[i - 1] === 10 && ++seen === count) return i + 1
  }
  return bytes.length
}
