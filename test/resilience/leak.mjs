// Leak check for create/close cycles: run with `node --expose-gc test/resilience/leak.mjs`.
// It bundles src/ with esbuild (so it measures the sources, not a stale dist/), then for each transport
// runs a warm-up and 10,000 create/close cycles, counting live timers (setTimeout is instrumented),
// fetches started/aborted/settled and response bodies ended, and measuring the heap after full GCs.
// It prints one JSON line.
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

if (typeof globalThis.gc !== 'function') {
  console.error('run me with node --expose-gc')
  process.exit(2)
}

const CYCLES = Number(process.env.CYCLES ?? 10_000)
const WARM_UP = 500

// Live timers: created and neither fired nor cleared.
const liveTimers = new Set()
const { setTimeout: realSetTimeout, clearTimeout: realClearTimeout } = globalThis
globalThis.setTimeout = (callback, delay, ...args) => {
  const timer = realSetTimeout(
    (...callbackArgs) => {
      liveTimers.delete(timer)
      callback(...callbackArgs)
    },
    delay,
    ...args,
  )
  liveTimers.add(timer)
  return timer
}
globalThis.clearTimeout = (timer) => {
  liveTimers.delete(timer)
  realClearTimeout(timer)
}

const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url))
const bundle = await build({
  entryPoints: [entry],
  bundle: true,
  format: 'esm',
  write: false,
  logLevel: 'silent',
})
const source = bundle.outputFiles[0].text
const { createEventStream } = await import(
  `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`
)

const encoder = new TextEncoder()
const counts = { started: 0, aborted: 0, settled: 0, bodiesEnded: 0 }

/** Never answers until the signal aborts. */
const hangingFetch = (_url, init) => {
  counts.started++
  return new Promise((_resolve, reject) => {
    init.signal.addEventListener(
      'abort',
      () => {
        counts.aborted++
        reject(init.signal.reason)
      },
      { once: true },
    )
  }).finally(() => counts.settled++)
}

/** Answers with a live stream: one event, then silence until the signal aborts (or the reader cancels). */
const streamingFetch = async (_url, init) => {
  counts.started++
  counts.settled++
  let controller
  let ended = false
  const end = () => {
    if (!ended) counts.bodiesEnded++
    ended = true
  }
  const body = new ReadableStream({
    start(c) {
      controller = c
      c.enqueue(encoder.encode(': hello\n\nid: 1\ndata: "one"\n\n'))
    },
    cancel: end,
  })
  init.signal.addEventListener(
    'abort',
    () => {
      counts.aborted++
      end()
      controller.error(init.signal.reason)
    },
    { once: true },
  )
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
}

async function settle() {
  for (let i = 0; i < 5; i++) await Promise.resolve()
  await new Promise((resolve) => setImmediate(resolve))
}

async function cycles(fetch, count) {
  let events = 0
  let peakTimers = 0
  for (let i = 0; i < count; i++) {
    const stream = createEventStream('http://127.0.0.1:9/stream', { fetch, idleTimeout: 30_000 })
    stream.onAny(() => events++)
    stream.onError(() => {})
    await settle()
    peakTimers = Math.max(peakTimers, liveTimers.size)
    stream.close()
    await settle()
  }
  return { events, peakTimers }
}

async function heapUsed() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return process.memoryUsage().heapUsed
}

const runs = []
for (const [name, fetch] of [
  ['hanging fetch', hangingFetch],
  ['streaming fetch', streamingFetch],
]) {
  await cycles(fetch, WARM_UP)
  Object.assign(counts, { started: 0, aborted: 0, settled: 0, bodiesEnded: 0 })
  const before = await heapUsed()
  const { events, peakTimers } = await cycles(fetch, CYCLES)
  const after = await heapUsed()
  runs.push({
    name,
    ...counts,
    events,
    peakTimers,
    liveTimers: liveTimers.size,
    before,
    after,
    growth: after - before,
    perCycle: (after - before) / CYCLES,
  })
}
console.log(JSON.stringify({ cycles: CYCLES, runs }))
process.exit(0) // do not wait for timers a leak would have left behind
