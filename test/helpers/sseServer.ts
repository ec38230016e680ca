// Why the e2e tests have a server of their own (test/browser/topicServer.ts): this one scripts each answer to
// one client over a fixed list of events, down to the byte, for the Node tests of failures; that one
// publishes live on topics to many browser tabs and serves their page. They share `defaultFrame` and nothing
// else, so they stay two.

/**
 * A small real `node:http` event-stream server for tests, on 127.0.0.1 with a random port.
 *
 * It serves numbered events (ids `1`…`count`), resumes after the `Last-Event-ID` a request carries, and
 * answers each request the way a test says (`respond`): stream (and cut the connection at a byte offset,
 * end it, or stall), reply with a fixed status/body (500, 503 with Retry-After, redirects, HTML pages,
 * raw bytes), or hold the request without ever sending headers. Every request is recorded.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { sleep, until } from './until'

/** One request as the server saw it. */
export interface RecordedRequest {
  /** 0 for the first request the server received. */
  index: number
  method: string
  /** The path and query. */
  url: string
  headers: IncomingHttpHeaders
  /** The `Last-Event-ID` header, '' when absent. */
  lastEventId: string
  /** The number of the first event a stream answer serves (after `Last-Event-ID`). */
  firstEvent: number
  body: string
  /** `performance.now()` when the request arrived. */
  time: number
  /** Whether the connection closed before the server finished its answer (the client aborted or we cut it). */
  closedEarly: boolean
  /** Resolves when the underlying connection of this request closes, whoever closed it. */
  closed: Promise<void>
}

/** How to answer one request. */
export type Plan =
  | {
      kind: 'stream'
      status?: number
      /** Extra or replacement response headers (content type defaults to text/event-stream). */
      headers?: Record<string, string>
      /** Bytes written before the events (a BOM, a `retry:` line, padding). */
      prefix?: string | Uint8Array
      /** Serve at most this many events. */
      limit?: number
      /** After this many bytes (of prefix + events) destroy the socket: a cut connection. */
      cutAfter?: number
      /** After this many bytes end the response cleanly (the server closed the stream). */
      endAfter?: number
      /** After this many bytes stop writing and keep the connection open (only heartbeats go on). */
      stallAfter?: number
      /** When all events are written: end the response (default false: keep it open, like a live stream). */
      endWhenDone?: boolean
      /** Waits this many ms before every write after the first (a slow, steady stream). */
      pace?: number
      /** Sizes of the successive writes (cycled); default: one write per event. */
      chunks?: readonly number[]
      /** Writes a comment line every this many ms while the response is open. */
      heartbeat?: number
      /** Stop the heartbeats after this many. @defaultValue Infinity */
      heartbeatCount?: number
    }
  | {
      kind: 'reply'
      status: number
      headers?: Record<string, string>
      body?: string | Uint8Array
      /** Keep the response open after the body (default false: end it). */
      keepOpen?: boolean
    }
  /** Never answer: the request waits for headers until the client gives up. */
  | { kind: 'hold' }

export interface SseServerOptions {
  /** How many numbered events the stream has. @defaultValue 10 */
  count?: number
  /** The wire text of event `n` (1-based), blank line included. @defaultValue `id: n\ndata: n\n\n` */
  frame?: (n: number) => string
  /** Decides the answer to each request. @defaultValue stream every event and keep the connection open */
  respond?: (request: RecordedRequest) => Plan
}

export interface SseServer {
  /** `http://127.0.0.1:<port>` */
  origin: string
  /** `origin + '/stream'` */
  url: string
  requests: RecordedRequest[]
  /** The bytes of events `from`…`to` (inclusive, 1-based) as the stream serves them. */
  bytes(from?: number, to?: number): Buffer
  /** Destroys every open connection (a network drop for every client at once). */
  dropAll(): void
  /** Number of connections open now. */
  readonly openConnections: number
  /** {@link until} `predicate()` holds (5 s by default). */
  waitFor(predicate: () => boolean, timeout?: number, what?: string): Promise<void>
  close(): Promise<void>
}

export const defaultFrame = (n: number): string => `id: ${n}\ndata: ${n}\n\n`

/** Starts a server; close it in `afterEach`/`afterAll`. */
export async function startSseServer(options: SseServerOptions = {}): Promise<SseServer> {
  const { count = 10, frame = defaultFrame, respond = () => ({ kind: 'stream' }) } = options
  const frames: Buffer[] = [Buffer.alloc(0)]
  for (let n = 1; n <= count; n++) frames.push(Buffer.from(frame(n), 'utf8'))
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<ReturnType<typeof setInterval>>()

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')))
  })
  /** One promise per socket (keep-alive sockets carry many requests). */
  const closedSockets = new WeakMap<Socket, Promise<void>>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    closedSockets.set(socket, new Promise((resolve) => socket.once('close', () => resolve())))
    socket.on('close', () => sockets.delete(socket))
  })
  const socketClosed = (socket: Socket): Promise<void> => closedSockets.get(socket) ?? Promise.resolve()

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const lastEventId = String(req.headers['last-event-id'] ?? '')
    const resumed = Number.parseInt(lastEventId, 10)
    const socket = req.socket
    let finished = false
    const record: RecordedRequest = {
      index: requests.length,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      lastEventId,
      firstEvent: Number.isFinite(resumed) ? resumed + 1 : 1,
      body,
      time: performance.now(),
      closedEarly: false,
      closed: socketClosed(socket),
    }
    res.once('close', () => {
      if (!finished) record.closedEarly = true
    })
    res.once('finish', () => {
      finished = true
    })
    requests.push(record)
    const plan = respond(record)
    if (plan.kind === 'hold') return
    if (plan.kind === 'reply') {
      res.writeHead(plan.status, plan.headers)
      if (plan.body !== undefined) res.write(plan.body)
      if (!plan.keepOpen) res.end()
      return
    }
    void stream(res, record, plan)
  }

  async function stream(
    res: ServerResponse,
    record: RecordedRequest,
    plan: Extract<Plan, { kind: 'stream' }>,
  ): Promise<void> {
    res.writeHead(plan.status ?? 200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      ...plan.headers,
    })
    res.flushHeaders()
    if (plan.heartbeat !== undefined) {
      let beats = plan.heartbeatCount ?? Number.POSITIVE_INFINITY
      const timer = setInterval(() => {
        if (beats-- <= 0) clearInterval(timer)
        else if (!res.writableEnded && !res.destroyed) res.write(':\n')
      }, plan.heartbeat)
      timers.add(timer)
      res.once('close', () => {
        clearInterval(timer)
        timers.delete(timer)
      })
    }
    const last = Math.min(count, plan.limit === undefined ? count : record.firstEvent + plan.limit - 1)
    const prefix = plan.prefix === undefined ? Buffer.alloc(0) : Buffer.from(plan.prefix)
    const payload = Buffer.concat([prefix, ...frames.slice(record.firstEvent, last + 1)])
    const stops = [
      { at: plan.cutAfter, action: 'cut' as const },
      { at: plan.endAfter, action: 'end' as const },
      { at: plan.stallAfter, action: 'stall' as const },
    ].filter((stop): stop is { at: number; action: 'cut' | 'end' | 'stall' } => stop.at !== undefined)
    stops.sort((a, b) => a.at - b.at)
    const stop = stops[0] ?? { at: payload.length, action: plan.endWhenDone ? 'end' : 'stall' }
    const end = Math.min(stop.at, payload.length)

    const sizes = plan.chunks ?? eventSizes(prefix.length, record.firstEvent, last)
    let offset = 0
    for (let i = 0; offset < end; i++) {
      const size = Math.max(1, sizes[i % Math.max(1, sizes.length)] ?? end - offset)
      const piece = payload.subarray(offset, Math.min(end, offset + size))
      offset += piece.length
      if (plan.pace !== undefined && i > 0) await sleep(plan.pace)
      if (res.destroyed) return
      await write(res, piece)
    }
    if (res.destroyed) return
    if (stop.action === 'cut') res.socket?.destroy()
    else if (stop.action === 'end') res.end()
  }

  /** One write for the prefix and one per event. */
  function eventSizes(prefixLength: number, first: number, last: number): number[] {
    const sizes = prefixLength > 0 ? [prefixLength] : []
    for (let n = first; n <= last; n++) sizes.push((frames[n] as Buffer).length)
    return sizes.length > 0 ? sizes : [1]
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`

  return {
    origin,
    url: `${origin}/stream`,
    requests,
    bytes(from = 1, to = count) {
      return Buffer.concat(frames.slice(from, to + 1))
    },
    dropAll() {
      for (const socket of sockets) socket.destroy()
    },
    get openConnections() {
      return sockets.size
    },
    waitFor: until,
    async close() {
      for (const timer of timers) clearInterval(timer)
      timers.clear()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Writes `piece` and waits until it is handed to the socket (or the response is gone). */
function write(res: ServerResponse, piece: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('close', done)
      resolve()
    }
    res.once('close', done)
    res.write(piece, done)
  })
}
