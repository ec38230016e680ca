import { useSyncExternalStore } from 'react'
import type { EventMap } from 'typed-sse'
import { encodeEvent, type MockEvent } from 'typed-sse/testing'

/** One request as the mock server saw it. */
export interface SeenRequest {
  method: string
  /** The `Last-Event-ID` header ('' when the client sent none). */
  lastEventId: string
  /** The first event this answer streams. */
  firstEvent: number
}

export interface RespondOptions {
  /** Milliseconds between writes. */
  interval: number
  /** Events per write (a high-rate stream writes many at once). @defaultValue 1 */
  perWrite?: number
  /** Break the connection with a network error after this many events (0: never). */
  dropAfter?: number
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never

/** What event `n` of a live endpoint looks like (its id is always `n`). */
export type MakeEvent<E extends EventMap> = (n: number) => WithoutId<Extract<MockEvent<E>, { data: unknown }>>

/**
 * A never-ending mock SSE endpoint, the kind of server the stories talk to: event `n` has the id `n`, a
 * request with `Last-Event-ID: k` resumes at `k + 1`, and `drop()` breaks every open connection as a
 * network failure would. It records the requests it receives for the stories to show.
 */
export function createLiveEndpoint<E extends EventMap>(make: MakeEvent<E>) {
  const open = new Set<() => void>()
  let requests: readonly SeenRequest[] = []
  const listeners = new Set<() => void>()

  function record(request: SeenRequest): void {
    requests = [...requests, request]
    for (const listener of listeners) listener()
  }

  return {
    /** Answers `request` with a live stream. */
    respond(request: Request, { interval, perWrite = 1, dropAfter = 0 }: RespondOptions): Response {
      const lastEventId = request.headers.get('last-event-id') ?? ''
      const resumed = Number.parseInt(lastEventId, 10)
      let next = Number.isNaN(resumed) ? 0 : resumed + 1
      record({ method: request.method, lastEventId, firstEvent: next })
      const encoder = new TextEncoder()
      let timer: ReturnType<typeof setInterval> | undefined
      let stop = () => {}
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          let sent = 0
          stop = () => {
            clearInterval(timer)
            open.delete(drop)
          }
          const drop = () => {
            stop()
            // Half an event first: the client must not dispatch it, and gets it again after resuming.
            controller.enqueue(encoder.encode(`id: ${next}\ndata: (cut off`))
            controller.error(new TypeError('connection dropped by the mock server'))
          }
          open.add(drop)
          timer = setInterval(() => {
            let text = ''
            for (let i = 0; i < perWrite; i++) {
              text += encodeEvent<E>({ ...make(next), id: String(next) } as MockEvent<E>)
              next++
              sent++
              if (dropAfter > 0 && sent >= dropAfter) break
            }
            controller.enqueue(encoder.encode(text))
            if (dropAfter > 0 && sent >= dropAfter) drop()
          }, interval)
        },
        cancel() {
          stop()
        },
      })
      return new Response(body, {
        headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
      })
    },
    /** Breaks every open connection (the clients see a network error and reconnect). */
    drop(): void {
      for (const drop of [...open]) drop()
    },
    /** Forgets the recorded requests. */
    reset(): void {
      requests = []
      for (const listener of listeners) listener()
    },
    subscribe(listener: () => void): () => void {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getRequests: (): readonly SeenRequest[] => requests,
  }
}

export type LiveEndpoint = ReturnType<typeof createLiveEndpoint>

/** The requests a live endpoint received, as React state. */
export function useSeenRequests(endpoint: LiveEndpoint): readonly SeenRequest[] {
  return useSyncExternalStore(endpoint.subscribe, endpoint.getRequests)
}
