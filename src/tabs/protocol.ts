// The messages that the tabs sharing a key exchange on their BroadcastChannel: the leader sends what its
// connection reports, in order; followers ask for the state when they join, for reconnects, and say when
// they wake. Messages are arrays with a number first: property names and type strings would stay in the
// bundle as they are (a minifier does not shorten them), twice each (post and receive). Any change to the
// messages raises the protocol's version in `key.ts`.
import type { EventStreamErrorCode, StreamState } from '../index'
import { EventStreamError } from '../index'

/** What a message is: the first element of each message. */
export enum Kind {
  /** Leader: an event of its connection (type, raw data, id). */
  Event,
  /** Leader: its connection's state changed (or a tab said hello). */
  State,
  /** Leader: its connection reported the error of its last state. */
  Error,
  /** Leader: its connection closed (204 or fatal error); whether with the error of its last state. */
  Closed,
  /** Leader: it stops leading; nothing follows from it. */
  Bye,
  /** Follower: it joined and wants the state. */
  Hello,
  /** Follower: `reconnect()` was called there. */
  Reconnect,
  /** Follower: it is awake (`pauseWhenHidden`) and has asked for the shared "awake" lock. */
  Wake,
}

export type Message =
  | [kind: Kind.Event, type: string, raw: string, id: string]
  | [kind: Kind.State, state: PackedState]
  | [kind: Kind.Error]
  | [kind: Kind.Closed, fatal: boolean]
  | [kind: Kind.Bye | Kind.Hello | Kind.Reconnect | Kind.Wake]

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
  return {
    ...state,
    error:
      previous?.code === error.code && previous.message === error.message
        ? previous
        : new EventStreamError(error.code, error.message, error as ErrorDetails),
  }
}

/** `state` with `status`, and no `retryDelay` (no retry is waiting). */
export function withStatus(
  { retryDelay: _none, ...state }: StreamState,
  status: StreamState['status'],
): StreamState {
  return { ...state, status }
}
