// The messages that the tabs sharing a key exchange on their BroadcastChannel. The leader sends what its
// connection reports, in order; followers ask for the state when they join, and for reconnects.
import { EventStreamError, type EventStreamErrorCode, type StreamState } from '../index'

type ErrorDetails = ConstructorParameters<typeof EventStreamError>[2]

/** An {@link EventStreamError} as it crosses the channel (structured clone keeps no class). */
interface PackedError {
  code: EventStreamErrorCode
  message: string
  status?: number | undefined
  event?: { type: string; raw: string } | undefined
}

/** A {@link StreamState} as it crosses the channel. */
export type PackedState = Omit<StreamState, 'error'> & { error?: PackedError }

export type Message =
  /** Leader: an event of its connection. */
  | { t: 'event'; type: string; raw: string; id: string }
  /** Leader: its connection's state changed (or a tab said hello). */
  | { t: 'state'; state: PackedState }
  /** Leader: its connection reported the error of the last state. */
  | { t: 'error' }
  /** Leader: its connection closed (204 or fatal error); `fatal`: with the error of the last state. */
  | { t: 'closed'; fatal: boolean }
  /** Leader: it stops leading; nothing follows from it. */
  | { t: 'bye' }
  /** Follower: it joined and wants the state. */
  | { t: 'hello' }
  /** Follower: `reconnect()` was called there. */
  | { t: 'reconnect' }
  /** Any tab: it is awake again (`pauseWhenHidden`) and holds the "awake" lock, or will. */
  | { t: 'wake' }

export function packState({ error, ...state }: StreamState): PackedState {
  // An error's own enumerable fields are `name`, `code`, `status` and `event` (`message` and `cause` are
  // not, and a cause may not survive a structured clone).
  return error ? { ...state, error: { ...error, message: error.message } } : state
}

/**
 * The state that `packed` stands for. Its error is `previous` when that has the same code and message
 * (which names the status), else a new {@link EventStreamError}.
 */
export function unpackState({ error, ...state }: PackedState, previous?: EventStreamError): StreamState {
  if (!error) return state
  const same = previous?.code === error.code && previous.message === error.message
  return {
    ...state,
    error: same ? previous : new EventStreamError(error.code, error.message, error as ErrorDetails),
  }
}
