// A loopback SSE server for the benchmarks: GET /<corpus> answers the whole corpus as fast as the socket
// takes it; GET /<corpus>?events=N only its first N events. With `--static <dir>` it also serves the files
// of that directory (the Chromium page: index.html and its bundle), cross-origin isolated so that the page's
// clock is precise. Prints its port on stdout once listening; stops on SIGTERM or when its parent's stdin
// closes.
//   node bench/server.mjs [--static <dir>]

import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { buildCorpus, CORPORA } from './corpora.mjs'

const staticIndex = process.argv.indexOf('--static')
const staticDir = staticIndex === -1 ? undefined : process.argv[staticIndex + 1]
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' }

const corpora = new Map(CORPORA.map((name) => [name, buildCorpus(name).bytes]))
const prefixes = new Map()

/** The bytes of the first `events` events of a corpus (each event ends with a blank line: "\n\n"). */
function prefix(name, events) {
  const key = `${name}:${events}`
  let bytes = prefixes.get(key)
  if (!bytes) {
    const all = corpora.get(name)
    let seen = 0
    let end = 0
    for (let i = 1; i < all.length && seen < events; i++) {
      if (all[i] === 10 && all[i - 1] === 10) {
        seen++
        end = i + 1
      }
    }
    bytes = all.subarray(0, end)
    prefixes.set(key, bytes)
  }
  return bytes
}

const server = createServer((request, response) => {
  const url = new URL(request.url, 'http://localhost')
  const name = url.pathname.slice(1)
  if (corpora.has(name)) {
    const events = Number(url.searchParams.get('events') ?? 0)
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
    response.end(events > 0 ? prefix(name, events) : corpora.get(name))
    return
  }
  const file = name === '' ? 'index.html' : name
  if (staticDir && /^[\w.-]+$/.test(file)) {
    try {
      const body = readFileSync(join(staticDir, file))
      response.writeHead(200, {
        'content-type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      })
      response.end(body)
      return
    } catch {
      // not there: 404 below
    }
  }
  response.writeHead(404).end()
})

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`)
})

const stop = () => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.stdin.on('end', stop)
process.stdin.resume()
