/** One request that a {@link MockChat} answered. @public */
export interface MockChatRequest {
  /** `'POST'` for the completions endpoint, `'GET'` for the resume endpoint. */
  method: string
  /** The URL's path and query, e.g. `'/chat/chat-1/stream'`. */
  path: string
  /** The `Last-Event-ID` the request sent (header or `last_event_id` query parameter), `null` when none. */
  lastEventId: string | null
  /** The chat it asked for or started (`undefined` for a resume of an unknown chat). */
  chatId: string | undefined
  /** The POSTed body as JSON (`undefined` for GET, or when it is not JSON). */
  body: unknown
}

/** The requests a mock chat answered, and the listeners to tell when they change. */
export interface ChatRequestLog {
  /** Every request recorded so far, oldest first (a new array after each change). */
  readonly requests: readonly MockChatRequest[]
  /** Adds `request`, asking for or starting `chatId`, and tells the listeners; returns what it recorded. */
  record(request: Request, chatId: string | undefined, body: unknown): MockChatRequest
  /** Calls `listener` after each change; returns the function that unsubscribes. */
  subscribe(listener: () => void): () => void
  /** Forgets every request, and tells the listeners. */
  clear(): void
}

/** Creates an empty {@link ChatRequestLog}. */
export function createChatRequestLog(): ChatRequestLog {
  const listeners = new Set<() => void>()
  let requests: readonly MockChatRequest[] = []

  function changed(): void {
    for (const listener of [...listeners]) listener()
  }

  return {
    get requests() {
      return requests
    },
    record(request, chatId, body) {
      const at = new URL(request.url)
      const seen: MockChatRequest = {
        method: request.method,
        path: at.pathname + at.search,
        lastEventId: request.headers.get('last-event-id') ?? at.searchParams.get('last_event_id'),
        chatId,
        body,
      }
      requests = [...requests, seen]
      changed()
      return seen
    },
    subscribe(listener) {
      // A wrapper of its own, so that each subscription unsubscribes on its own.
      const own = () => listener()
      listeners.add(own)
      return () => void listeners.delete(own)
    },
    clear() {
      requests = []
      changed()
    },
  }
}
