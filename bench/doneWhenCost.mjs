// What `doneWhen` costs per event on the handler path: the same stream read as a feed (no check), as a
// finite stream (the default check, `raw === '[DONE]'`) and with a `doneWhen` function of the user's.
//   node --expose-gc bench/doneWhenCost.mjs [corpus=tokens] [chunk bytes=16384] [rounds=5]
// Each round times every variant once per run (9 fresh streams each, interleaved); prints the medians.
import { memoryFetch } from './contenders.mjs'
import { buildCorpus, chunk } from './corpora.mjs'

const { createEventStream } = await import(process.env.TYPED_SSE_DIST ?? '../dist/index.js')
const [corpusName = 'tokens', chunkBytes = '16384', roundsArg = '5'] = process.argv.slice(2)
const corpus = buildCorpus(corpusName)
const fetch = memoryFetch(chunk(corpus.bytes, Number(chunkBytes)))

const variants = {
  feed: {},
  'finite (default doneWhen)': { finite: true },
  'finite, doneWhen of yours': { finite: true, doneWhen: (event) => event.raw === '[DONE]' },
}

/** Reads one whole stream with one `on` handler per type; resolves with the time it took in ms. */
function read(options) {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    let count = 0
    const stream = createEventStream('http://bench.invalid/stream', {
      fetch,
      decode: 'text',
      retry: false,
      ...options,
    })
    for (const type of corpus.types) stream.on(type, () => count++)
    stream.onState(({ status, error }) => {
      if (status !== 'closed') return
      if (error && !options.doneWhen) return reject(error)
      if (count !== corpus.events) return reject(new Error(`${count} of ${corpus.events} events`))
      resolve(performance.now() - start)
    })
  })
}

const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]))
for (const options of Object.values(variants)) for (let i = 0; i < 3; i++) await read(options) // warm up
for (let round = 0; round < Number(roundsArg); round++) {
  for (const [name, options] of Object.entries(variants)) {
    for (let run = 0; run < 9; run++) {
      globalThis.gc?.()
      times[name].push(await read(options))
    }
  }
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]
for (const [name, values] of Object.entries(times))
  console.log(`${name.padEnd(28)} ${median(values).toFixed(2)} ms per stream of ${corpus.events} events`)
