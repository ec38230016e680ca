// Where typed-sse's time goes: runs one pipeline case under `node --cpu-prof` (on Node 24 from bench/) and
// sums the samples by source module of the build (tsup keeps a `// src/…` marker before each module in
// dist/index.js), by Node internals (TextDecoder, web streams) and the rest.
//   node bench/profile.mjs [contender=typed-sse-text] [corpus=small] [chunk bytes=16384] [runs=10] [repeat=1]
// (`repeat`: the corpus that many times in one stream, see bench/case.mjs.)
// The forced GCs between runs fall outside the timed runs but inside the profile: they are listed apart.

import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// Node 24 from bench/node_modules (`npm run bench` installs it), else the Node that runs this.
const node24 = join(root, 'bench/node_modules/node/bin/node')
const node = existsSync(node24) ? node24 : process.execPath
const [contender = 'typed-sse-text', corpus = 'small', chunk = '16384', runs = '10', repeat = '1'] =
  process.argv.slice(2)
const dir = mkdtempSync(join(tmpdir(), 'typed-sse-profile-'))
try {
  const out = execFileSync(
    node,
    [
      '--cpu-prof',
      '--cpu-prof-dir',
      dir,
      '--expose-gc',
      join(root, 'bench/case.mjs'),
      contender,
      corpus,
      chunk,
      runs,
      repeat,
    ],
    { cwd: root, encoding: 'utf8' },
  )
  const { times } = JSON.parse(out.trim().split('\n').pop())
  const profile = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8'))

  // Line ranges of the source modules inside dist/index.js.
  const markers = readFileSync(join(root, 'dist/index.js'), 'utf8')
    .split('\n')
    .flatMap((line, index) => (line.startsWith('// src/') ? [{ line: index, module: line.slice(3) }] : []))
  const moduleAt = (line) => markers.findLast((marker) => marker.line <= line)?.module ?? 'dist (other)'

  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const groups = new Map()
  const functions = new Map()
  let total = 0
  profile.samples.forEach((id, index) => {
    const micros = profile.timeDeltas[index] ?? 0
    const { functionName, url, lineNumber } = nodes.get(id).callFrame
    let group
    if (url.endsWith('dist/index.js')) group = moduleAt(lineNumber)
    else if (functionName === '(garbage collector)')
      group = 'garbage collector (incl. forced GCs between runs)'
    else if (functionName === 'decode' || url.includes('internal/encoding'))
      group = 'TextDecoder / TextEncoder'
    else if (url.includes('webstreams')) group = 'web streams (node:internal/webstreams)'
    else if (url.includes('bench/')) group = 'benchmark harness (corpus, fetch mock)'
    else if (functionName === '(idle)' || functionName === '(program)') group = '(idle) / (program)'
    else group = 'other (Node, undici, module loading)'
    groups.set(group, (groups.get(group) ?? 0) + micros)
    if (url.endsWith('dist/index.js')) {
      const key = `${functionName || '(anonymous)'} (${moduleAt(lineNumber).replace('src/core/', '')})`
      functions.set(key, (functions.get(key) ?? 0) + micros)
    }
    total += micros
  })
  const sorted = [...times].sort((a, b) => a - b)
  console.log(
    `${contender} · ${corpus} · ${chunk} B chunks · ${times.length} runs, median ${sorted[sorted.length >> 1].toFixed(1)} ms`,
  )
  console.log('\n| where | share of samples |\n|---|---|')
  for (const [group, micros] of [...groups].sort((a, b) => b[1] - a[1])) {
    console.log(`| ${group} | ${((micros / total) * 100).toFixed(1)} % |`)
  }
  console.log('\n| typed-sse function (self time) | share |\n|---|---|')
  for (const [name, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`| ${name} | ${((micros / total) * 100).toFixed(1)} % |`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
