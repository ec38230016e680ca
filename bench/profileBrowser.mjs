// Where the time goes in Chromium: the page of `npm run bench` (bench/page.mjs, typed-sse from dist/) reads a
// corpus from the loopback server, one contender at a time in a fresh browser context, under the CPU profiler
// of Chrome DevTools Protocol (the Profiler domain: the JavaScript samples of the performance panel). Prints,
// per contender, the median run and the self time by module of the page's bundle and by function.
//   node bench/profileBrowser.mjs [corpus=small] [runs=10] [contenders=typed-sse-text,eventsource-client]
// Needs `npm run bench` to have installed the peers once (bench/node_modules) and a build (npm run build).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BROWSER_CONTENDERS, bundlePage, launch } from './browser.mjs'
import { buildCorpus } from './corpora.mjs'
import { modulesOf, printShares, sumSelfTimes } from './cpuProfile.mjs'
import { startServer } from './serverProcess.mjs'

const [corpus = 'small', runs = '10', list = 'typed-sse-text,eventsource-client'] = process.argv.slice(2)
const contenders = list.split(',')
for (const name of contenders) {
  if (!BROWSER_CONTENDERS[name])
    throw new Error(`unknown contender ${name}; one of ${Object.keys(BROWSER_CONTENDERS)}`)
}
/**
 * The profiler's sampling interval in µs (SAMPLING_MICROS overrides): DevTools' default of 1000 µs is coarse
 * for runs of 20 ms, and at 50 µs the profiler itself slows a run down by half (296 against 196 ms for
 * 100k small events).
 */
const SAMPLING_MICROS = Number(process.env.SAMPLING_MICROS ?? 250)

const dir = mkdtempSync(join(tmpdir(), 'typed-sse-profile-'))
const { child: server, origin } = await startServer(process.execPath, dir)
const browser = await launch()
try {
  await bundlePage(dir)
  const moduleAt = modulesOf(
    readFileSync(join(dir, 'page.js'), 'utf8'),
    (line) => /^\/\/ \S+\.m?js$/.test(line),
    'page.js (other)',
  )
  const { events, types } = buildCorpus(corpus)
  console.log(`# Chromium ${browser.version()} · ${corpus} · loopback HTTP · ${runs} profiled runs each`)
  for (const contender of contenders) {
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(`${origin}/`)
      await page.waitForFunction(() => typeof window.runBench === 'function')
      const run = (warmUps, count) =>
        page.evaluate((options) => window.runBench(options), {
          contender,
          url: `${origin}/${corpus}`,
          types,
          events,
          warmUps,
          runs: count,
          lossy: false,
        })
      await run(2, 0)
      const cdp = await context.newCDPSession(page)
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_MICROS })
      await cdp.send('Profiler.start')
      const { times } = await run(0, Number(runs))
      const { profile } = await cdp.send('Profiler.stop')
      const sorted = [...times].sort((a, b) => a - b)
      console.log(
        `\n## ${BROWSER_CONTENDERS[contender].label}: median ${sorted[sorted.length >> 1].toFixed(1)} ms`,
      )
      const inPage = (url) => url.endsWith('/page.js')
      const sums = sumSelfTimes(
        profile,
        ({ functionName, url, lineNumber }) => {
          if (inPage(url)) return moduleAt(lineNumber)
          if (functionName === '(garbage collector)')
            return 'garbage collector (incl. forced GCs between runs)'
          if (functionName === '(idle)' || functionName === '(program)') return functionName
          return `${functionName || '(anonymous)'} (browser)`
        },
        ({ functionName, url, lineNumber }) =>
          inPage(url) ? `${functionName || '(anonymous)'} (${moduleAt(lineNumber)})` : undefined,
      )
      printShares(sums, 'function in the page (self time)')
    } finally {
      await context.close()
    }
  }
} finally {
  await browser.close()
  server.kill()
  rmSync(dir, { recursive: true, force: true })
}
