// One benchmark case in a fresh process (so contenders never share a warmed-up JIT):
//   node --expose-gc bench/case.mjs <contender> <corpus> <chunk bytes | http://127.0.0.1:port> <runs>
// Prints one JSON line: { times: [ms, …], events, bytes }.

import { CONTENDERS, memoryFetch } from './contenders.mjs'
import { buildCorpus, chunk } from './corpora.mjs'

const [contenderName, corpusName, transport, runsArg = '5'] = process.argv.slice(2)
const contender = CONTENDERS[contenderName]
if (!contender)
  throw new Error(`unknown contender ${contenderName}; one of ${Object.keys(CONTENDERS).join(', ')}`)
const runs = Number(runsArg)
const corpus = buildCorpus(corpusName)

let url
let fetch
if (transport.startsWith('http')) {
  url = `${transport}/${corpusName}`
  fetch = globalThis.fetch
} else {
  url = 'http://bench.invalid/stream'
  fetch = memoryFetch(chunk(corpus.bytes, Number(transport)))
}

/** Untimed runs first: V8 is still optimising typed-sse's code during the first two. */
const WARM_UP_RUNS = 2
const times = []
for (let i = -WARM_UP_RUNS; i < runs; i++) {
  globalThis.gc?.()
  const start = performance.now()
  const events = await contender.run({ url, fetch, types: corpus.types })
  const elapsed = performance.now() - start
  if (events !== corpus.events) {
    throw new Error(`${contenderName} counted ${events} events of ${corpusName}, expected ${corpus.events}`)
  }
  if (i >= 0) times.push(elapsed)
}
process.stdout.write(`${JSON.stringify({ times, events: corpus.events, bytes: corpus.bytes.length })}\n`)
