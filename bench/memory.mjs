// Memory: heap before and after many create/close cycles, a soak of millions of events, and the peak heap
// of a slow `for await` loop over a fast stream (what backpressure keeps small).
//   node --expose-gc bench/memory.mjs [--cycles 10000] [--soak-events 5000000] [--slow-events 1000000]
//                                     [--slow-every 1000]
// Prints progress on stderr and one JSON line on stdout: { scenarios: [{ label, before, after, … }] }.

import { createEventStream } from '../dist/index.js'

if (!globalThis.gc) throw new Error('run with node --expose-gc')
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`)
  return index === -1 ? fallback : Number(args[index + 1])
}
const soakEvents = option('soak-events', 5_000_000)
const slowEvents = option('slow-events', 1_000_000)
const slowEvery = option('slow-every', 1000)
const cycleCount = option('cycles', 10_000)
const thousands = `${Math.round(cycleCount / 1000)}k`
const encoder = new TextEncoder()
const headers = { 'content-type': 'text/event-stream' }

async function heapUsed() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return process.memoryUsage().heapUsed
}

/** A fetch whose body sends one event and then stays open until the request is aborted. */
function openFetch() {
  const first = encoder.encode('id: 1\ndata: {"hello":"world"}\n\n')
  return async (_url, init) => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(first)
        init.signal.addEventListener('abort', () => controller.error(init.signal.reason), { once: true })
      },
    })
    return new Response(body, { headers })
  }
}

/** Opens a stream, waits for its first event, closes it. */
function cycle(open) {
  return new Promise((resolve, reject) => {
    const stream = open()
    stream.onError(reject)
    stream.on('message', () => {
      stream.close()
      resolve()
    })
  })
}

async function cycles(label, count, open) {
  for (let i = 0; i < 200; i++) await cycle(() => open(i)) // warm up
  const before = await heapUsed()
  const start = performance.now()
  for (let i = 0; i < count; i++) await cycle(() => open(i))
  await new Promise((resolve) => setTimeout(resolve, 10)) // shared connections close a microtask later
  const after = await heapUsed()
  console.error(`${label}: ${Math.round(performance.now() - start)} ms`)
  return { label, count, before, after }
}

/**
 * One stream for `total` events: each connection's body sends 100k token events with ids and ends; the
 * stream reconnects (1 ms delay) and resumes, as a long-lived stream through deploys would. Both an
 * `on` handler and a `for await` loop consume every event. `before` is measured after 200k events and
 * `after` at the end, both while the stream runs; `afterClose` once it is closed.
 */
async function soak(total) {
  const perConnection = 100_000
  const block = 1000
  let nextId = 0
  const fetch = async () => {
    let sent = 0
    const body = new ReadableStream({
      async pull(controller) {
        // Like a network: each chunk arrives in a macrotask of its own.
        await new Promise((resolve) => setImmediate(resolve))
        if (sent >= perConnection) {
          controller.close()
          return
        }
        let text = ''
        for (let i = 0; i < block; i++) text += `id: ${nextId++}\ndata: {"t":" token${i % 50}"}\n\n`
        sent += block
        controller.enqueue(encoder.encode(text))
      },
    })
    return new Response(body, { headers })
  }
  const stream = createEventStream('http://bench.invalid/soak', {
    fetch,
    retry: { initialDelay: 1, maxDelay: 1, jitter: false },
  })
  let handled = 0
  let iterated = 0
  let before = 0
  stream.onError((error) => console.error('soak error', error))
  stream.on('message', () => {
    handled++
  })
  const loop = (async () => {
    for await (const _event of stream) iterated++
  })()
  const start = performance.now()
  let measuredBefore = false
  while (handled < total) {
    await new Promise((resolve) => setTimeout(resolve, 5))
    if (!measuredBefore && handled >= 2 * perConnection) {
      measuredBefore = true
      before = await heapUsed()
    }
  }
  const running = await heapUsed()
  stream.close()
  await loop
  const after = await heapUsed()
  const seconds = (performance.now() - start) / 1000
  console.error(`soak: ${handled} events in ${seconds.toFixed(1)} s, ${stream.state.lastEventId} last id`)
  return {
    label: `soak: ${(handled / 1e6).toFixed(1)} M events over ${Math.round(handled / perConnection)} reconnects (on + for await, decode 'json')`,
    count: handled,
    iterated,
    before,
    after: running,
    afterClose: after,
    seconds: Math.round(seconds * 10) / 10,
  }
}

/**
 * A slow `for await` loop: `total` small JSON events from a body that makes them as fast as the client
 * reads, taken by a loop that waits 1 ms every `every` events. The peak is the largest heap used after a
 * forced GC, taken every 20,000 events inside the loop (the loop is suspended meanwhile, the body not).
 */
async function slowLoop(total, every) {
  let made = 0
  const fetch = async () => {
    const body = new ReadableStream({
      pull(controller) {
        if (made >= total) {
          controller.close()
          return
        }
        let text = ''
        for (let i = 0; i < 100 && made < total; i++, made++) {
          text += `id: ${made}\ndata: {"id":${made},"user":"ana","score":${(made * 7919) % 10007}}\n\n`
        }
        controller.enqueue(encoder.encode(text))
      },
    })
    return new Response(body, { headers })
  }
  const before = await heapUsed()
  let peak = before
  let taken = 0
  const start = performance.now()
  for await (const _event of createEventStream('http://bench.invalid/slow', { fetch, retry: false })) {
    taken++
    if (taken % every === 0) await new Promise((resolve) => setTimeout(resolve, 1))
    if (taken % 20_000 === 0) peak = Math.max(peak, await heapUsed())
  }
  const seconds = (performance.now() - start) / 1000
  if (taken !== total) throw new Error(`slow loop: took ${taken} events, expected ${total}`)
  console.error(`slow for await: ${taken} events in ${seconds.toFixed(1)} s, peak heap ${peak}`)
  return {
    label: `slow for await: ${(total / 1e6).toFixed(1)} M events, the loop waits 1 ms every ${every.toLocaleString('en-US')} (decode 'json')`,
    count: taken,
    before,
    after: await heapUsed(),
    peak,
    seconds: Math.round(seconds * 10) / 10,
  }
}

const scenarios = []
scenarios.push(
  await cycles(`${thousands} createEventStream → first event → close()`, cycleCount, () =>
    createEventStream('http://bench.invalid/once', { fetch: openFetch() }),
  ),
)
const sharedFetch = openFetch()
scenarios.push(
  await cycles(
    `${thousands} createEventStream with share: 'page' (distinct URLs) → first event → close()`,
    cycleCount,
    (i) => createEventStream(`http://bench.invalid/shared?i=${i}`, { fetch: sharedFetch, share: 'page' }),
  ),
)
scenarios.push(await soak(soakEvents))
scenarios.push(await slowLoop(slowEvents, slowEvery))
process.stdout.write(`${JSON.stringify({ scenarios })}\n`)
