// Sums a V8 CPU profile (Node's `--cpu-prof`, or the CDP Profiler domain's in Chromium, the samples that
// DevTools' performance panel shows) by self time: per group of code and per function.

/**
 * Where each line of a bundle comes from: tsup and esbuild write a `// <path>` comment before each module
 * they bundle. Returns a function from a 0-based line number to the path of its module (`fallback` before the
 * first marker); `accept` picks the marker comments.
 */
export function modulesOf(text, accept, fallback) {
  const markers = text
    .split('\n')
    .flatMap((line, index) => (accept(line) ? [{ line: index, module: line.slice(3) }] : []))
  return (line) => markers.findLast((marker) => marker.line <= line)?.module ?? fallback
}

/**
 * The profile's self time (µs) summed by `groupOf(callFrame)` and by `functionOf(callFrame)` (a name, or
 * `undefined` for a frame not listed by function): `{ total, groups, functions }`, the sums as Maps.
 */
export function sumSelfTimes(profile, groupOf, functionOf) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const groups = new Map()
  const functions = new Map()
  let total = 0
  profile.samples.forEach((id, index) => {
    const micros = profile.timeDeltas[index] ?? 0
    const { callFrame } = nodes.get(id)
    add(groups, groupOf(callFrame), micros)
    const name = functionOf(callFrame)
    if (name !== undefined) add(functions, name, micros)
    total += micros
  })
  return { total, groups, functions }
}

/** Prints the sums as two markdown tables: the groups, then the `top` functions under `heading`. */
export function printShares({ total, groups, functions }, heading, top = 12) {
  const share = (micros) => `${((micros / total) * 100).toFixed(1)} %`
  console.log('\n| where | share of samples |\n|---|---|')
  for (const [group, micros] of byTime(groups)) console.log(`| ${group} | ${share(micros)} |`)
  console.log(`\n| ${heading} | share |\n|---|---|`)
  for (const [name, micros] of byTime(functions).slice(0, top)) console.log(`| ${name} | ${share(micros)} |`)
}

function add(map, key, micros) {
  map.set(key, (map.get(key) ?? 0) + micros)
}

function byTime(map) {
  return [...map].sort((a, b) => b[1] - a[1])
}
