// A loopback SSE server for the benchmarks: GET /<corpus> answers the whole corpus as fast as the socket
// takes it. Prints its port on stdout once listening; stops on SIGTERM or when its parent's stdin closes.

import { createServer } from 'node:http'
import { buildCorpus, CORPORA } from './corpora.mjs'

const corpora = new Map(CORPORA.map((name) => [name, buildCorpus(name).bytes]))

const server = createServer((request, response) => {
  const bytes = corpora.get(request.url.slice(1))
  if (!bytes) {
    response.writeHead(404).end()
    return
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
  response.end(bytes)
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
