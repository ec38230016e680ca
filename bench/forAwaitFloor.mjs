// What a `for await` loop costs by itself: it takes N values from an iterator whose `next()` returns an
// already-resolved promise, so nothing is read, parsed or queued. No SSE client's loop can beat it (the
// `for await` goal of docs/benchmarks.md is measured against eventsource-parser behind an async generator).
//   node --expose-gc bench/forAwaitFloor.mjs [values=100000] [runs=12]
// Prints the time of each run in ms (the first ones are still being optimised), then the median of the rest.

const [count = '100000', runsArg = '12'] = process.argv.slice(2)
const values = Number(count)
const runs = Number(runsArg)

function resolvedValues() {
  let taken = 0
  return {
    next: () =>
      Promise.resolve(taken < values ? { value: taken++, done: false } : { value: undefined, done: true }),
    [Symbol.asyncIterator]() {
      return this
    },
  }
}

const times = []
for (let run = 0; run < runs; run++) {
  globalThis.gc?.()
  const start = performance.now()
  let seen = 0
  for await (const _value of resolvedValues()) seen++
  if (seen !== values) throw new Error(`took ${seen} values, expected ${values}`)
  times.push(performance.now() - start)
}
const settled = times.slice(2).sort((a, b) => a - b)
console.log(`runs (ms): ${times.map((time) => time.toFixed(1)).join(' ')}`)
console.log(`${values} values: median ${settled[settled.length >> 1].toFixed(1)} ms after 2 warm-up runs`)
