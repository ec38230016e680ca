import type { EventMap } from '../index'
import { encodeEvent, type MockEvent } from './encodeEvent'

/** How the mock answers one request instead of streaming. @public */
export interface MockReply {
  status?: number
  headers?: HeadersInit
  body?: string
}

/**
 * A scripted SSE server in memory, to pass as the `fetch` option: no MSW, no network. Every request
 * opens a new connection; `send` writes to the open one (or to the next one, if none is open).
 * @public
 */
export interface MockStream<E extends EventMap = EventMap> {
  /** The `fetch` to pass to `createEventStream` / `subscribe` / `useEventStream`. */
  readonly fetch: typeof fetch
  /** Every request received, in order (check `headers.get('last-event-id')` on reconnects). */
  readonly requests: readonly Request[]
  /** Whether a connection is open now. */
  readonly connected: boolean
  /** Sends one event (or a comment). */
  send(event: MockEvent<E>): void
  /** Writes raw text, for malformed input and split lines. */
  write(text: string | Uint8Array): void
  /** Ends the open connection's body cleanly (the client reconnects). */
  close(): void
  /** Breaks the open connection with a network error (the client reconnects). */
  drop(): void
  /** Answers the next request with this instead of a stream (e.g. `{ status: 500 }`). */
  reply(reply: MockReply): void
  /** Resolves when the next connection opens (or at once if `count` connections opened already). */
  waitForConnection(count?: number): Promise<void>
}

const encoder = new TextEncoder()

/**
 * Creates a {@link MockStream}.
 * @example
 * const server = createMockStream<{ tick: { n: number } }>()
 * const stream = createEventStream('https://example.test/ticks', { fetch: server.fetch })
 * await server.waitForConnection()
 * server.send({ event: 'tick', data: { n: 1 }, id: '1' })
 * @public
 */
export function createMockStream<E extends EventMap = EventMap>(): MockStream<E> {
  const requests: Request[] = []
  const replies: MockReply[] = []
  const backlog: Uint8Array[] = []
  let current: ReadableStreamDefaultController<Uint8Array> | undefined
  let connections = 0
  const waiters = new Set<{ count: number; resolve(): void }>()

  function write(chunk: string | Uint8Array): void {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk
    if (current) current.enqueue(bytes)
    else backlog.push(bytes)
  }

  function end(how: (controller: ReadableStreamDefaultController<Uint8Array>) => void): void {
    const controller = current
    current = undefined
    if (controller) how(controller)
  }

  const mockFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    requests.push(request)
    request.signal.throwIfAborted()
    const reply = replies.shift()
    if (reply)
      return new Response(reply.body ?? null, { status: reply.status ?? 200, headers: reply.headers ?? {} })
    end((controller) => controller.close())
    let controller!: ReadableStreamDefaultController<Uint8Array>
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c
      },
    })
    current = controller
    for (const bytes of backlog.splice(0)) controller.enqueue(bytes)
    request.signal.addEventListener('abort', () => {
      if (current === controller) current = undefined
      controller.error(request.signal.reason)
    })
    connections++
    for (const waiter of waiters) {
      if (connections >= waiter.count) {
        waiters.delete(waiter)
        waiter.resolve()
      }
    }
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
  }

  return {
    fetch: mockFetch as typeof fetch,
    requests,
    get connected() {
      return current !== undefined
    },
    send: (event) => write(encodeEvent(event)),
    write,
    close: () => end((controller) => controller.close()),
    drop: () => end((controller) => controller.error(new TypeError('network error (dropped by the mock)'))),
    reply: (reply) => void replies.push(reply),
    waitForConnection(count = connections + 1) {
      if (connections >= count) return Promise.resolve()
      return new Promise((resolve) => waiters.add({ count, resolve }))
    },
  }
}
