// The demo: a local SSE server (a plain `/stream` of numbered messages, typed JSON events, `/shared`, whose
// connections it counts for the page of `share: tabs`, and an OpenAI-compatible chat endpoint whose answers
// resume after a cut: see demo/chatServer.js) and pages that use the built library. `npm start` runs it on
// http://127.0.0.1:8888; `createDemoServer()` is used by tests.
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createChatServer } from './chatServer.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const contentTypes = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
}
/** Files the page may load: the page itself, its scripts, the built library and the React view's bundle. */
const publicFolders = ['demo', 'dist', 'dist-demo']

export { chatAnswer } from './chatServer.js'

/**
 * Creates the demo server (not yet listening).
 * @param {{ interval?: number, tokenInterval?: number }} [options] - default milliseconds between events
 *   (`?interval=` overrides it), and between the tokens of a chat answer (default 33: ~30 tokens/s)
 */
export function createDemoServer({ interval = 1000, tokenInterval = 33 } = {}) {
  /** The streams of `/shared`: open now, and opened since the server started. */
  const shared = { open: 0, opened: 0 }
  const chat = createChatServer({ tokenInterval, openStream })
  return http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    const every = Number(url.searchParams.get('interval') ?? interval)
    // The chat, the request log and the "cut the connection" buttons (demo/chatServer.js); it logs every stream.
    if (chat.handle(request, response, url)) return
    if (url.pathname === '/stream') return streamMessages(request, response, every)
    if (url.pathname === '/events') return streamTypedEvents(request, response, every)
    if (url.pathname === '/shared') return streamShared(request, response, every, shared)
    if (url.pathname === '/connections') return sendJson(response, shared)
    return serveFile(url.pathname === '/' ? '/demo/index.html' : url.pathname, response)
  })
}

function openStream(response) {
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    'access-control-allow-origin': '*',
  })
  response.flushHeaders()
}

/** The plain endpoint: `data: Message N` every interval, with ids so that a reconnect resumes. */
function streamMessages(request, response, interval, text = 'Message') {
  openStream(response)
  let counter = nextId(request)
  const timer = setInterval(() => {
    response.write(`id: ${counter}\ndata: ${text} ${counter}\n\n`)
    counter++
  }, interval)
  request.on('close', () => clearInterval(timer))
}

/** Typed JSON events for the typed views: `tick` (a price) and `chat` (a message), with a heartbeat comment. */
function streamTypedEvents(request, response, interval) {
  openStream(response)
  let counter = nextId(request)
  const users = ['ada', 'grace', 'linus']
  const timer = setInterval(() => {
    const id = counter++
    const event =
      id % 3 === 2
        ? { event: 'chat', data: { user: users[id % users.length], text: `hello #${id}` } }
        : {
            event: 'tick',
            data: { symbol: 'SSE', price: Math.round((100 + Math.sin(id / 5) * 10) * 100) / 100 },
          }
    response.write(`: heartbeat\n\nevent: ${event.event}\nid: ${id}\ndata: ${JSON.stringify(event.data)}\n\n`)
  }, interval)
  request.on('close', () => clearInterval(timer))
}

/**
 * The stream of the tabs page (`demo/tabs.html`): `data: Event N` with ids like `/stream`, resuming after the
 * `Last-Event-ID` that a new leader tab sends; `counts` follows how many of these connections are open.
 */
function streamShared(request, response, interval, counts) {
  counts.open++
  counts.opened++
  request.on('close', () => counts.open--)
  streamMessages(request, response, interval, 'Event')
}

/** `/connections`: `{ "open": N, "opened": M }` for `/shared`, never cached. */
function sendJson(response, value) {
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  response.end(JSON.stringify(value))
}

function nextId(request) {
  const last = Number.parseInt(request.headers['last-event-id'] ?? '', 10)
  return Number.isNaN(last) ? 0 : last + 1
}

async function serveFile(pathname, response) {
  const path = normalize(pathname).replace(/^[/\\]+/, '')
  if (!publicFolders.some((folder) => path.startsWith(`${folder}/`))) return notFound(response)
  try {
    const body = await readFile(join(root, path))
    response.writeHead(200, { 'content-type': contentTypes[extname(path)] ?? 'application/octet-stream' })
    response.end(body)
  } catch {
    notFound(response)
  }
}

function notFound(response) {
  response.writeHead(404, { 'content-type': 'text/plain' })
  response.end('Not found')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8888)
  const host = process.env.HOST ?? '127.0.0.1'
  createDemoServer().listen(port, host, () => {
    console.log(
      `typed-sse demo: http://${host}:${port}/  (SSE: /stream, /events, /shared, POST /v1/chat/completions, ` +
        'GET /chat/:id/stream, /requests; tabs page: /demo/tabs.html)',
    )
  })
}
