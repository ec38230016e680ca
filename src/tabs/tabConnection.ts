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

// `pauseWhenHidden`: a tab is awake while it is visible, or hidden for less than its streams'
// `pauseWhenHidden` (always without it). A follower that is awake holds the key's shared "awake" lock
// (the leader knows its own visibility). A leader that is not awake queues for that lock exclusively: the
// lock manager grants it when no tab holds it (every follower asleep, or gone: a page that dies frees its
// locks), and the leader pauses (closes the real connection, status `reconnecting` without `retryDelay` in
// every tab). A tab that wakes (or joins) takes the shared lock, then says `wake`: the leader leaves the
// queue (or unlocks and resumes from the last event ID) and queues again a little later, behind that tab.

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
  /** The name of the lock that awake tabs share (`pauseWhenHidden`). */
  let awakeName: string
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
  const delay = request.options.pauseWhenHidden
  /** Whether this tab keeps the connection open (visible, or hidden for less than `delay`). */
  let awake = true
  let asleepTimer: ReturnType<typeof setTimeout> | undefined
  /** Holds the shared "awake" lock while this tab is awake and has joined. */
  let awakeLock: AbortController | undefined
  /** While leading and asleep: queued for (or holding) the "awake" lock exclusively. */
  let pauseLock: AbortController | undefined
  /** The leader holds that lock: every tab is asleep, the real connection is closed. */
  let paused = false

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
    if (message.t === 'wake') {
      wake()
      setTimeout(sleep, GRACE)
    } else if (message.t === 'hello') {
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
    holdAwake()
    queue = new AbortController()
    elect(lockName, queue.signal, (releaseLock) => {
      release = releaseLock
      dropAwake() // the leader checks its own visibility
      sleep()
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
    if (!release || leading || paused || (state.status === 'closed' && !reopen)) return
    const connection = request.open(state.lastEventId)
    leading = connection
    detach = connection.attach(relay)
    postState(connection.state)
    for (const listener of listeners) listener.state()
  }

  /** Closes the real connection silently (the others keep its state). */
  function drop(): void {
    if (leading) {
      state = leading.state
      detach?.()
      leading.close()
      leading = undefined
    }
  }

  /** Stops leading: closes the real connection, says bye, unlocks. */
  function stepDown(): void {
    drop()
    if (release) {
      post({ t: 'bye' })
      release()
      release = undefined
    }
    wake()
  }

  /** Leaves the tabs of this key (another one leads on), until `join()`. */
  function leave(): void {
    dropAwake()
    stepDown()
    queue?.abort()
    channel?.close()
    channel = undefined
  }

  function reconnect(): void {
    if (leading) leading.reconnect()
    else if (release) {
      // Paused: open now, and pause again after the delay unless a tab wakes first.
      wake()
      start(true)
      setTimeout(sleep, delay)
    } else post({ t: 'reconnect' })
  }

  /**
   * Takes the shared "awake" lock, while this tab is awake and follows (a tab that joins is awake), and
   * then says `wake`: the lock manager has this tab's request before the leader queues again. A leader
   * stops leading only when it leaves, so it needs no shared lock.
   */
  function holdAwake(): void {
    if (!awake || awakeLock || !channel || release) return
    awakeLock = new AbortController()
    elect(awakeName, awakeLock.signal, () => {}, 'shared')
    post({ t: 'wake' })
  }

  function dropAwake(): void {
    awakeLock?.abort()
    awakeLock = undefined
  }

  /** Leading and asleep: queue for the "awake" lock alone; holding it, pause. */
  function sleep(): void {
    if (awake || !release || pauseLock) return
    pauseLock = new AbortController()
    elect(awakeName, pauseLock.signal, () => {
      paused = true
      drop()
      if (state.status === 'closed') return
      const { retryDelay: _none, ...rest } = state
      const next: StreamState = { ...rest, status: 'reconnecting' }
      postState(next)
      notify(next)
    })
  }

  /** A tab woke (or this one stops leading): leave the lock's queue, or unlock and resume. */
  function wake(): void {
    pauseLock?.abort()
    pauseLock = undefined
    if (paused) {
      paused = false
      start()
    }
  }

  function setAwake(value: boolean): void {
    if (value === awake) return
    awake = value
    if (value) {
      holdAwake()
      wake()
    } else {
      dropAwake()
      sleep()
    }
  }

  const stopLifecycle = onLifecycle(
    leave,
    join,
    delay === undefined
      ? undefined
      : (hidden) => {
          clearTimeout(asleepTimer)
          if (hidden) asleepTimer = setTimeout(setAwake, delay, false)
          else setAwake(true)
        },
  )
  void name.then((value) => {
    lockName = value
    awakeName = `${value}:awake`
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
