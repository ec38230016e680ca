import { DONE_EVENT } from './encodeChatAnswer'

/** One response following a {@link ChatAnswer}: the events queued for its body, which takes them one at a time. */
export interface AnswerConnection {
  /** Index of the next event to queue. */
  next: number
  /** Events to send, in wire format (the last one of a cut connection is half of one). */
  readonly queue: string[]
  /** Once the queue is sent: end the body cleanly (`'end'`) or with a network error (`'cut'`). */
  ending: 'end' | 'cut' | undefined
  /** Resolves the pending {@link AnswerConnection.changed}. */
  wake(): void
  /** Resolves at the next `wake()`: the queue grew, the connection closed, or it left its answer. */
  changed(): Promise<void>
}

/** An answer being generated, and the connections that follow it. */
export interface ChatAnswer {
  /** The chat's id. */
  readonly id: string
  /** The body it was started with, to find it again for a POST that resumes. */
  readonly body: string
  /**
   * A new connection that gets the events after `lastEventId` (all of them without one), then the rest as
   * they are generated.
   */
  follow(lastEventId: string | null): AnswerConnection
  /** Whether the answer still feeds `connection`: it neither closed nor left. */
  isOpen(connection: AnswerConnection): boolean
  /** Stops feeding `connection`, whose client went away. */
  leave(connection: AnswerConnection): void
  /** Cuts every open connection now (half an event, then a network error); returns how many it cut. */
  cutAll(): number
  /** Stops generating, and ends every open connection cleanly. */
  stop(): void
}

/** How an answer goes on: {@link MockChatOptions.interval} and {@link MockChatOptions.cutAfter}. */
export interface ChatAnswerPace {
  interval: number
  cutAfter: number | undefined
}

/** The first half of `event`, without the line ends that would dispatch it. */
function halfOf(event: string): string {
  return event.slice(0, Math.ceil(event.length / 2)).replace(/\n+$/, '')
}

/** A connection that gets the events from index `next` on. */
function createConnection(next: number): AnswerConnection {
  let wakeUp = () => {}
  return {
    next,
    queue: [],
    ending: undefined,
    wake: () => wakeUp(),
    changed: () =>
      new Promise<void>((resolve) => {
        wakeUp = resolve
      }),
  }
}

/**
 * Starts generating an answer from its `events` in wire format (index = event id, `[DONE]` last): the role
 * chunk at once, then a token every `interval`, then the finish chunk with `[DONE]`. It goes on whether a
 * connection follows it or not. The first connection that gets event `cutAfter` is cut right after it;
 * later ones, such as the resume that sends that event again, are not.
 */
export function startChatAnswer(
  id: string,
  body: string,
  events: readonly string[],
  { interval, cutAfter }: ChatAnswerPace,
): ChatAnswer {
  /** The connections it feeds: one leaves the set when it closes (`ending` set) or when its client leaves. */
  const open = new Set<AnswerConnection>()
  /** How many of `events` exist so far. */
  let generated = 0
  /** Whether `cutAfter` cut a connection of this answer already. */
  let cutAfterDone = false
  let timer: ReturnType<typeof setTimeout> | undefined

  function generate(): void {
    timer = undefined
    // One event per tick, except that the finish chunk comes with `[DONE]`.
    generated += generated === events.length - 2 ? 2 : 1
    for (const connection of open) feed(connection)
    if (generated < events.length) timer = setTimeout(generate, interval)
  }

  /** Queues what `connection` has not got yet of what is generated, cutting it at `cutAfter` once. */
  function feed(connection: AnswerConnection): void {
    while (connection.next < generated) {
      const index = connection.next++
      connection.queue.push(events[index] as string)
      if (index === cutAfter && !cutAfterDone) {
        cutAfterDone = true
        breakOff(connection)
        return
      }
    }
    if (connection.next === events.length) close(connection, 'end')
    else connection.wake()
  }

  /** Closes `connection` with half of the next event (of `[DONE]` when none is left), then a network error. */
  function breakOff(connection: AnswerConnection): void {
    connection.queue.push(halfOf(events[connection.next] ?? DONE_EVENT))
    close(connection, 'cut')
  }

  /** Feeds `connection` no more: its body ends as `ending` says once its queue is sent. */
  function close(connection: AnswerConnection, ending: 'end' | 'cut'): void {
    connection.ending = ending
    open.delete(connection)
    connection.wake()
  }

  generate()
  return {
    id,
    body,
    follow(lastEventId) {
      const after = lastEventId === null || !/^\d+$/.test(lastEventId) ? -1 : Number(lastEventId)
      const connection = createConnection(Math.min(after + 1, events.length - 1))
      open.add(connection)
      feed(connection)
      return connection
    },
    isOpen: (connection) => open.has(connection),
    leave(connection) {
      open.delete(connection)
      connection.wake()
    },
    cutAll() {
      const cut = [...open]
      for (const connection of cut) breakOff(connection)
      return cut.length
    },
    stop() {
      clearTimeout(timer)
      for (const connection of [...open]) close(connection, 'end')
    },
  }
}
