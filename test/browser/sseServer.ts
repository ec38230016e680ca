/**
 * The real event-stream server of the browser tests (Node side, 127.0.0.1, random port). The tests run on
 * vitest's own origin, so every answer allows any origin and preflights are answered (`Last-Event-ID` and
 * `content-type: application/json` are not CORS-safelisted request headers).
 *
 * `/stream?session=S` streams `id: N` / `data: Message N`, resuming after the request's `Last-Event-ID`.
 * Query options: `interval` (ms between writes, default 20), `batch` (events per write), `count` (total
 * events, then hold the connection open), `cut` (destroy the socket after this many events of one
 * connection, mid-event). `/bytes?session=S` writes one event byte by byte. `/log?session=S` answers the
 * requests of session S as JSON (see {@link LoggedRequest}), CORS preflights (`OPTIONS`) included.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { type LoopbackServer, listenOnLoopback } from './listenOnLoopback'

/** One request the server received, as `/log` reports it. */
export interface LoggedRequest {
  method: string
  path: string
  /** `Last-Event-ID` ('' when absent). */
  lastEventId: string
  accept: string
  body: string
  /** The first event the answer streams. */
  firstEvent: number
  /** Whether the connection has closed (the client aborted, or the server cut it). */
  closed: boolean
}

const cors = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST',
  'access-control-allow-headers': 'last-event-id, content-type, authorization',
  'access-control-max-age': '600',
}

export function createSseServer(): Server {
  const sessions = new Map<string, LoggedRequest[]>()
  return createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const session = url.searchParams.get('session') ?? ''
    if (url.pathname === '/log') {
      response.writeHead(200, { ...cors, 'content-type': 'application/json' })
      response.end(JSON.stringify(sessions.get(session) ?? []))
      return
    }
    const body = await readBody(request)
    const lastEventId = header(request, 'last-event-id')
    const resumed = Number.parseInt(lastEventId, 10)
    const entry: LoggedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      lastEventId,
      accept: header(request, 'accept'),
      body,
      firstEvent: Number.isNaN(resumed) ? 0 : resumed + 1,
      closed: false,
    }
    if (!sessions.has(session)) sessions.set(session, [])
    sessions.get(session)?.push(entry)
    response.on('close', () => {
      entry.closed = true
    })
    if (request.method === 'OPTIONS') {
      response.writeHead(204, cors).end()
      return
    }
    if (url.pathname === '/stream') return stream(response, url.searchParams, entry.firstEvent)
    if (url.pathname === '/bytes') return bytes(response)
    response.writeHead(404, cors).end()
  })
}

function header(request: IncomingMessage, name: string): string {
  const value = request.headers[name]
  return Array.isArray(value) ? value.join(', ') : (value ?? '')
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of request) body += chunk
  return body
}

function open(response: ServerResponse): void {
  response.writeHead(200, { ...cors, 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
  response.flushHeaders()
}

function stream(response: ServerResponse, query: URLSearchParams, first: number): void {
  const interval = Number(query.get('interval') ?? 20)
  const batch = Number(query.get('batch') ?? 1)
  const count = Number(query.get('count') ?? Number.POSITIVE_INFINITY)
  const cut = Number(query.get('cut') ?? Number.POSITIVE_INFINITY)
  open(response)
  let next = first
  let sent = 0
  const timer = setInterval(() => {
    let text = ''
    for (let i = 0; i < batch && next < count && sent < cut; i++, next++, sent++) {
      text += `id: ${next}\ndata: Message ${next}\n\n`
    }
    if (sent >= cut) {
      // Half of the next event, then a broken connection: the client must not dispatch the half.
      text += `id: ${next}\ndata: Message ${next} (cut`
      response.write(text)
      clearInterval(timer)
      setTimeout(() => response.socket?.destroy(), 10)
      return
    }
    if (text) response.write(text)
  }, interval)
  response.on('close', () => clearInterval(timer))
}

/** One event with multibyte characters, written one byte per write: UTF-8 sequences split across chunks. */
function bytes(response: ServerResponse): void {
  open(response)
  const encoded = Buffer.from('id: 1\ndata: h\u00e9llo \u{1f30d} \u20ac\n\n')
  let index = 0
  const timer = setInterval(() => {
    if (index >= encoded.length) {
      clearInterval(timer)
      return
    }
    response.write(encoded.subarray(index, index + 1))
    index++
  }, 2)
  response.on('close', () => clearInterval(timer))
}

/** Starts the server on 127.0.0.1 with a random port; resolves to its origin and a function that stops it. */
export function startSseServer(): Promise<LoopbackServer> {
  return listenOnLoopback(createSseServer())
}
