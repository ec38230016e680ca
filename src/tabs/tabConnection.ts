// One tab's side of a connection that all tabs of the browser share: it leads (runs the real connection
// and broadcasts what it reports) or follows (mirrors what the leader broadcasts), and hands over.
import type { Connection, ConnectionListener, ShareRequest, StreamState } from '../index'
import { elect } from './election'
import { onLifecycle } from './lifecycle'
import { type Message, packState, unpackState } from './protocol'

/**
 * How long a new leader waits for the last messages of a leader that went away without saying `bye`
 * (crashed, discarded), so that it resumes from the last event the others received.
 */
const GRACE = 100

/**
 * This tab's connection for the key whose lock and channel are named `name`. It looks like a local one:
 * the same state, events and errors, whichever tab runs the request. `close()` leaves: another tab
 * leads on, resuming from the last event ID it received.
 */
export function createTabConnection(request: ShareRequest, name: Promise<string>): Connection {
  const listeners = new Set<ConnectionListener>()
  /** The state while following (the leader's), and the last one of this tab's real connection after it. */
  let state: StreamState = {
    status: 'connecting',
    lastEventId: request.options.lastEventId ?? '',
    attempt: 0,
  }
  let lockName: string | undefined
  let channel: BroadcastChannel | undefined
  /** This tab's place in the lock's queue, while it has joined. */
  let queue: AbortController | undefined
  /** Releases the lock: set while this tab leads. */
  let release: (() => void) | undefined
  /** The real connection, while this tab leads (unless the connection had closed for good before). */
  let leading: Connection | undefined
  let detach: (() => void) | undefined
  /** The last state broadcast, and whether a newer last event ID went out with no event. */
  let posted: StreamState | undefined
  let idPending = false
  /** A leader spoke since the last `bye`: a new leader waits for its last messages first. */
  let leaderAlive = false
  let onBye: (() => void) | undefined
  let closed = false

  const notify = (next: StreamState) => {
    state = next
    for (const listener of listeners) listener.state()
  }
  const post = (message: Message) => channel?.postMessage(message)
  const postState = (next: StreamState) => {
    posted = next
    idPending = false
    post({ t: 'state', state: packState(next) })
  }

  /** The leader's listener on its real connection: tell this tab's streams and broadcast. */
  const relay: ConnectionListener = {
    event(type, raw, id) {
      idPending = false
      post({ t: 'event', type, raw, id })
      for (const listener of listeners) listener.event(type, raw, id)
    },
    error(error) {
      post({ t: 'error' })
      for (const listener of listeners) listener.error(error)
    },
    state() {
      const next = (leading as Connection).state
      if (
        next.status === posted?.status &&
        next.attempt === posted.attempt &&
        next.error === posted.error &&
        next.retryDelay === posted.retryDelay
      ) {
        // Only the last event ID: the event that usually follows carries it (one message per event).
        idPending = true
        queueMicrotask(() => idPending && leading && postState(leading.state))
      } else postState(next)
      for (const listener of listeners) listener.state()
    },
    closed(error) {
      post({ t: 'closed', fatal: error !== undefined })
      for (const listener of listeners) listener.closed(error)
    },
  }

  function receive({ data: message }: MessageEvent<Message>): void {
    if (message.t === 'hello') {
      if (release) postState(leading?.state ?? state)
    } else if (message.t === 'reconnect') {
      if (release) reconnect()
    } else if (release) {
      // A leader hears nothing from followers but the above: these are late messages of the last leader.
    } else if (message.t === 'bye') {
      leaderAlive = false
      onBye?.()
    } else {
      leaderAlive = true
      if (message.t === 'event') {
        if (message.id !== state.lastEventId) notify({ ...state, lastEventId: message.id })
        for (const listener of listeners) listener.event(message.type, message.raw, message.id)
      } else if (message.t === 'state') notify(unpackState(message.state, state.error))
      else if (message.t === 'error') {
        const { error } = state
        if (error) for (const listener of listeners) listener.error(error)
      } else for (const listener of listeners) listener.closed(message.fatal ? state.error : undefined)
    }
  }

  /** Joins the tabs of this key: follow, and queue for the lock. Harmless to repeat. */
  function join(): void {
    if (closed || channel || !lockName) return
    channel = new BroadcastChannel(lockName)
    channel.onmessage = receive
    leaderAlive = false // until the leader answers
    post({ t: 'hello' })
    queue = new AbortController()
    elect(lockName, queue.signal, (releaseLock) => {
      release = releaseLock
      if (!leaderAlive) start()
      else {
        onBye = start
        setTimeout(start, GRACE)
      }
    })
  }

  /**
   * While leading: opens the real connection from the last event ID this tab received, unless the last
   * leader's connection had closed for good (then `reconnect()` opens it).
   */
  function start(reopen = false): void {
    onBye = undefined
    if (!release || leading || (state.status === 'closed' && !reopen)) return
    const connection = request.open(state.lastEventId)
    leading = connection
    detach = connection.attach(relay)
    postState(connection.state)
    for (const listener of listeners) listener.state()
  }

  /** Stops leading: closes the real connection (silently, the others keep its state), says bye, unlocks. */
  function stepDown(): void {
    if (leading) {
      state = leading.state
      detach?.()
      leading.close()
      leading = undefined
    }
    if (release) {
      post({ t: 'bye' })
      release()
      release = undefined
    }
  }

  /** Leaves the tabs of this key (another one leads on), until `join()`. */
  function leave(): void {
    stepDown()
    queue?.abort()
    channel?.close()
    channel = undefined
  }

  function reconnect(): void {
    if (leading) leading.reconnect()
    else if (release) start(true)
    else post({ t: 'reconnect' })
  }

  const stopLifecycle = onLifecycle(leave, join)
  void name.then((value) => {
    lockName = value
    join()
  })

  return {
    url: request.url,
    get state() {
      return leading?.state ?? state
    },
    get status() {
      return leading?.status ?? state.status
    },
    attach(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    reconnect,
    close() {
      if (closed) return
      closed = true
      stopLifecycle()
      leave()
      const { retryDelay: _noMoreRetry, ...rest } = state
      notify({ ...rest, status: 'closed' })
      listeners.clear()
    },
  }
}
