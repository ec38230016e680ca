// One tab's side of a connection that all tabs of the browser share: it leads (runs the real connection
// and broadcasts what it reports) or follows (mirrors what the leader broadcasts), and hands over.
import type { Connection, ConnectionListener, ShareRequest, StreamState } from '../index'
import { elect, GRACE } from './election'
import { onLifecycle } from './lifecycle'
import { Kind, type Message, packState, unpackState, withStatus } from './protocol'

/**
 * This tab's connection for the key whose lock and channel are named `name`. It looks like a local one:
 * the same state, events and errors, whichever tab runs the request. `close()` leaves: another tab
 * leads on, resuming from the last event ID it received.
 */
export function createTabConnection(request: ShareRequest, name: Promise<string>): Connection {
  const listeners = new Set<ConnectionListener>()
  const delay = request.options.pauseWhenHidden
  /** The state while following (the leader's), and the last one of this tab's real connection after it. */
  let state: StreamState = {
    status: 'connecting',
    lastEventId: request.options.lastEventId ?? '',
    attempt: 0,
  }
  /** The name of the key's lock and channel, once hashed; `''` once closed. */
  let lockName: string | undefined
  // While this tab has joined: the channel, and how it leaves the lock's queue (or releases the lock).
  let channel: BroadcastChannel | undefined
  let quit: (() => void) | undefined
  let leader = false
  /** The real connection, while this tab leads (unless the connection had closed for good before). */
  let leading: Connection | undefined
  let detach: (() => void) | undefined
  /** A leader spoke since the last `Bye`: a new leader waits for its last messages first. */
  let leaderAlive = false
  // `pauseWhenHidden`: whether this tab is awake, how it asks for the awake lock now (and stops), and
  // whether it leads and holds that lock exclusively (every tab asleep, the real connection closed).
  let awake = true
  let awakeMode: LockMode | false | undefined
  let quitAwake: (() => void) | undefined
  let paused = false

  const current = () => leading?.state ?? state
  const notify = (next: StreamState) => {
    state = next
    for (const listener of listeners) listener.state()
  }
  const post = (message: Message) => channel?.postMessage(message)
  const postState = (next: StreamState) => post([Kind.State, packState(next)])
  /** Tells the other tabs and this tab's streams of a new state. */
  const broadcast = (next: StreamState) => {
    postState(next)
    notify(next)
  }

  /**
   * Tells this tab's streams what the leader's connection reported (this tab's own, or the one it follows).
   * As in a local connection, an event's ID is the last one at once (a `State` after the chunk tells of
   * it), and an error is the one of the state (its connection reports it after the state that holds it).
   */
  function report([kind, a, b, c]: Message): void {
    const { error } = current()
    if (kind === Kind.State) notify(unpackState(a, error))
    else {
      if (kind === Kind.Event) state = { ...state, lastEventId: c } // (a leader's own state is `leading`'s)
      for (const listener of listeners)
        if (kind === Kind.Event) listener.event(a, b, c)
        else if (kind === Kind.Error) {
          if (error) listener.error(error) // unless this tab joined between the two posts
        } else listener.closed(a ? error : undefined)
    }
  }
  const send = (message: Message) => {
    post(message)
    report(message)
  }
  /** The leader's listener on its real connection: broadcast, and tell this tab's streams. */
  const relay: ConnectionListener = {
    event: (...event) => send([Kind.Event, ...event]),
    error: () => send([Kind.Error]),
    state: () => broadcast(current()),
    closed: (error) => send([Kind.Closed, !!error]),
  }

  /** A message of a follower (only the leader answers), or of the leader (a tab that leads now ignores it). */
  function receive({ data: message }: MessageEvent<Message>): void {
    const [kind] = message
    if (kind > Kind.Bye) {
      if (leader)
        if (kind === Kind.Hello) postState(current())
        else if (kind === Kind.Reconnect) reconnect()
        else {
          unlockAwake()
          setTimeout(reconcile, GRACE)
        }
    } else if (!leader) {
      leaderAlive = kind !== Kind.Bye
      if (leaderAlive) report(message)
    }
  }

  /** Joins the tabs of this key: follow, and queue for the lock. Harmless to repeat. */
  function join(): void {
    if (channel || !lockName) return
    channel = new BroadcastChannel(lockName)
    channel.onmessage = receive
    leaderAlive = false // until the leader answers
    post([Kind.Hello])
    reconcile()
    quit = elect(lockName, () => {
      leader = true
      reconcile()
      if (leaderAlive) setTimeout(start, GRACE)
      else start()
    })
  }

  /** Leading: opens the real connection from the last event ID, unless paused or closed (then `reopen`). */
  function start(reopen?: boolean): void {
    if (!leader || leading || paused || (state.status === 'closed' && !reopen)) return
    leading = request.open(state.lastEventId)
    detach = leading.attach(relay)
    broadcast(leading.state)
  }

  /** Closes the real connection silently (the others keep its state). */
  function drop(): void {
    if (!leading) return
    state = leading.state
    detach?.()
    leading.close()
    leading = undefined
  }

  /** Leaves the tabs of this key (another one leads on), until `join()`. */
  function leave(): void {
    drop()
    if (leader) post([Kind.Bye])
    leader = false
    quit?.()
    channel?.close()
    channel = undefined
    reconcile()
  }

  /** While following, asks the leader; paused or closed for good, opens (and pauses again after the delay). */
  function reconnect(): void {
    if (leading) leading.reconnect()
    else if (leader) {
      unlockAwake()
      start(true)
      setTimeout(reconcile, delay)
    } else post([Kind.Reconnect])
  }

  /** Asks for the awake lock as this tab should now, unless it does: shared, exclusive or not at all. */
  function reconcile(): void {
    const mode = channel && (leader ? !awake && 'exclusive' : awake && 'shared')
    if (mode === awakeMode) return
    unlockAwake()
    awakeMode = mode
    if (!mode) return
    quitAwake = elect(`${lockName}:awake`, pause, mode)
    if (!leader) post([Kind.Wake]) // the shared lock
  }

  /** Stops asking for the "awake" lock, or lets go of it (and resumes). */
  function unlockAwake(): void {
    quitAwake?.()
    awakeMode = undefined
    if (paused) {
      paused = false
      start()
    }
  }

  /** Holding the "awake" lock (granted exclusively only to the leader): every tab is asleep. */
  function pause(): void {
    if (!leader) return
    paused = true
    drop()
    if (state.status !== 'closed') broadcast(withStatus(state, 'reconnecting'))
  }

  const stopLifecycle = onLifecycle(leave, join, delay, (value) => {
    awake = value
    reconcile()
  })
  void name.then((value) => {
    lockName ??= value
    join()
  })

  return {
    url: request.url,
    get state() {
      return current()
    },
    get status() {
      return current().status
    },
    attach(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    reconnect,
    close() {
      lockName = ''
      stopLifecycle()
      leave()
      notify(withStatus(state, 'closed')) // the last call: nothing reaches a tab that left
    },
  }
}
