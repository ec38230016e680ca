// Where typed-sse's time goes: runs one pipeline case under `node --cpu-prof` (on Node 24 from bench/) and
// sums the samples by source module of the build (tsup keeps a `// src/…` marker before each module in
// dist/index.js), by Node internals (TextDecoder, web streams) and the rest.
//   node bench/profile.mjs [contender=typed-sse-text] [corpus=small] [chunk bytes=16384] [runs=10] [repeat=1]
// (`repeat`: the corpus that many times in one stream, see bench/case.mjs.)
// The forced GCs between runs fall outside the timed runs but inside the profile: they are listed apart.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { modulesOf, printShares, sumSelfTimes } from './cpuProfile.mjs'
import { benchNode } from './peers.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const node = benchNode()
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

  const moduleAt = modulesOf(
    readFileSync(join(root, 'dist/index.js'), 'utf8'),
    (line) => line.startsWith('// src/'),
    'dist (other)',
  )
  const sums = sumSelfTimes(
    profile,
    ({ functionName, url, lineNumber }) => {
      if (url.endsWith('dist/index.js')) return moduleAt(lineNumber)
      if (functionName === '(garbage collector)') return 'garbage collector (incl. forced GCs between runs)'
      if (functionName === 'decode' || url.includes('internal/encoding')) return 'TextDecoder / TextEncoder'
      if (url.includes('webstreams')) return 'web streams (node:internal/webstreams)'
      if (url.includes('bench/')) return 'benchmark harness (corpus, fetch mock)'
      if (functionName === '(idle)' || functionName === '(program)') return '(idle) / (program)'
      return 'other (Node, undici, module loading)'
    },
    ({ functionName, url, lineNumber }) =>
      url.endsWith('dist/index.js')
        ? `${functionName || '(anonymous)'} (${moduleAt(lineNumber).replace('src/core/', '')})`
        : undefined,
  )
  const sorted = [...times].sort((a, b) => a - b)
  console.log(
    `${contender} · ${corpus} · ${chunk} B chunks · ${times.length} runs, median ${sorted[sorted.length >> 1].toFixed(1)} ms`,
  )
  printShares(sums, 'typed-sse function (self time)')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
