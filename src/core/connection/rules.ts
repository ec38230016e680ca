import type { EventStreamError } from '../errors'
import { type RetryPolicy, retryDelay, shouldRetry } from './retry'
import type { StateFields } from './state'

// What a connection does on each input in each status, as one pure function: `next(state, input, rules)`
// returns the new state and the effects to perform. The runner (`connection.ts`) performs the effects
// (requests, timers, storage, notifications) and feeds back what happens as inputs. No I/O, no timers
// here, so the rules are tested as a table (test/core/rules.test.ts).

/** A connection's state: the fields of `StreamState`, and what the rules remember besides. */
export interface ConnectionState extends StateFields {
  /** The server's `retry:` value, which replaces `initialDelay`. */
  serverRetry: number | undefined
  /** Closed while the page is hidden (`pauseWhenHidden`); reconnects when it is visible again. */
  paused: boolean
  /** An event arrived since the stream started: reconnecting resumes it (`reconnectRequest`). */
  started: boolean
  /** `close()` was called: nothing happens any more. */
  stopped: boolean
}

/** The options that the rules follow. */
export interface Rules {
  readonly retry: RetryPolicy | false
  /** A response that ends (an LLM answer): its clean end completes it, it is never sent again from the start. */
  readonly finite: boolean
  /** A finite stream with a `doneWhen` of the user's: only its event completes it, a body that ends first was cut. */
  readonly untilDone: boolean
  /** A `reconnectRequest` was given: a started stream can always resume. */
  readonly reconnectRequest: boolean
  /** Where a stream starts again from the start (`reconnect()` of a finite stream). */
  readonly firstEventId: string
  /** For the jitter (tests pass their own). */
  readonly random?: () => number
}

/** What happens to a connection. */
export type Input =
  /** The response is an event stream: its body is read. */
  | { type: 'opened' }
  /** The request or response failed before the body (network, HTTP status, content type, `headers`). */
  | { type: 'failed'; error: EventStreamError; retryAfter?: number }
  /** The body failed while open (network, idle timeout). */
  | { type: 'dropped'; error: EventStreamError }
  /** The body ended; `cut` is the error when that end counts as a cut (see `Rules.untilDone`). */
  | { type: 'ended'; cut: EventStreamError }
  /** The server answered 204: the stream is finished. */
  | { type: 'finished' }
  /** `doneWhen` accepted an event. */
  | { type: 'done' }
  /** `reconnectRequest` returned `false`. */
  | { type: 'declined' }
  /** The first event of the stream arrived. */
  | { type: 'started' }
  /** An event brought a new last event ID. */
  | { type: 'progress' }
  /** The server sent `retry:`. */
  | { type: 'retry'; delay: number }
  /** The wait for the next attempt is over. */
  | { type: 'wake' }
  /** The connection stayed open `resetAfter` ms. */
  | { type: 'settled' }
  /** The page has been hidden for `pauseWhenHidden` ms. */
  | { type: 'hidden' }
  | { type: 'visible' }
  /** `reconnect()` */
  | { type: 'reconnect' }
  /** `close()` */
  | { type: 'close' }

/** What the runner does. */
export type Effect =
  /** Start an attempt; `resume`: with `reconnectRequest`'s request. */
  | { type: 'connect'; resume: boolean }
  /** Stop the attempt in progress or the wait for the next one. */
  | { type: 'stop' }
  /** Wait `delay` ms (or for the browser to be online), then `wake`. */
  | { type: 'wait'; delay: number }
  /** `settled` after `delay` ms, unless the attempt stops first. */
  | { type: 'settle'; delay: number }
  /** Tell the consumers of an error (the state already holds it). */
  | { type: 'report'; error: EventStreamError }
  /** Tell the consumers the connection closed (with the error that closed it, if any). */
  | { type: 'closed'; error: EventStreamError | undefined }
  /** Tell the consumers the stream starts again from the start: what they built from it is void. */
  | { type: 'restarted' }
  /** Forget the persisted last event ID (a 204). */
  | { type: 'forget' }
  /** Watch the page's visibility anew (a hidden page pauses again after `pauseWhenHidden`). */
  | { type: 'watch' }
  /** Release everything for good: the page watch, the persisted ID (written), the consumers. */
  | { type: 'release' }

export interface Transition {
  state: ConnectionState
  effects: Effect[]
}

const STOP: Effect = { type: 'stop' }

/** The connection's next state and effects after `input`. */
export function next(state: ConnectionState, input: Input, rules: Rules): Transition {
  if (state.stopped) return { state, effects: [] }
  const to = (patch: Partial<ConnectionState>, effects: Effect[] = []): Transition => ({
    state: { ...state, ...patch },
    effects,
  })
  const connect = (): Effect => ({ type: 'connect', resume: state.started && rules.reconnectRequest })
  switch (input.type) {
    case 'opened':
      return to(
        { status: 'open', error: undefined, retryDelay: undefined },
        rules.retry && state.attempt > 0 ? [{ type: 'settle', delay: rules.retry.resetAfter }] : [],
      )
    case 'progress':
    case 'settled':
      return to({ attempt: 0 })
    case 'started':
      return to({ started: true })
    case 'retry':
      return to({ serverRetry: input.delay })
    case 'failed':
      return retryOrClose(state, rules, input.error, input.retryAfter)
    case 'dropped':
      return dropped(state, rules, input.error)
    case 'ended':
      if (!rules.finite) return retryOrClose(state, rules, undefined)
      return rules.untilDone ? dropped(state, rules, input.cut) : complete(state)
    case 'finished':
      return complete(state, { type: 'forget' })
    case 'done':
      return complete(state)
    case 'declined':
      return closeWith(state, state.error, false)
    case 'wake':
      return to({}, [connect()])
    case 'hidden':
      // A started finite stream that cannot resume stays open: closing it would lose the rest.
      return state.status === 'closed' || state.paused || !canResume(state, rules)
        ? to({})
        : to({ status: 'reconnecting', retryDelay: undefined, paused: true }, [STOP])
    case 'visible':
      return state.paused ? to({ status: 'connecting', attempt: 0, paused: false }, [connect()]) : to({})
    case 'reconnect': {
      const fresh = { status: 'connecting', attempt: 0, retryDelay: undefined, paused: false } as const
      // A finite stream starts again from the start; a feed resumes after its last event ID.
      if (!rules.finite) return to(fresh, [STOP, { type: 'watch' }, connect()])
      return {
        state: { ...state, ...fresh, started: false, lastEventId: rules.firstEventId },
        effects: [STOP, { type: 'restarted' }, { type: 'watch' }, { type: 'connect', resume: false }],
      }
    }
    case 'close':
      return to({ status: 'closed', retryDelay: undefined, stopped: true }, [
        STOP,
        { type: 'closed', error: undefined },
        { type: 'release' },
      ])
  }
}

/**
 * Whether a new request may follow this connection: always for a feed; for a finite stream, before its
 * first event, or with what resumes it (event IDs, `reconnectRequest`). It is never sent again from the start.
 */
function canResume(state: ConnectionState, rules: Rules): boolean {
  return !rules.finite || !state.started || rules.reconnectRequest || state.lastEventId !== ''
}

/** A connection that was open failed: retry as the policy says, or close when it cannot resume. */
function dropped(state: ConnectionState, rules: Rules, error: EventStreamError): Transition {
  return canResume(state, rules) ? retryOrClose(state, rules, error) : closeWith(state, error, true)
}

/**
 * After a failed attempt (`error`; `undefined`: a feed's body ended): wait for the next attempt, or close,
 * as the retry policy says. Every such attempt counts: a connection that ended without progress is a
 * failure too, so that a flapping server backs off like a failing one.
 */
function retryOrClose(
  state: ConnectionState,
  rules: Rules,
  error: EventStreamError | undefined,
  retryAfter?: number,
): Transition {
  const attempt = state.attempt + 1
  const { retry } = rules
  const delay =
    retry && shouldRetry(retry, error, attempt)
      ? retryDelay(retry, attempt, state.serverRetry, retryAfter, rules.random)
      : undefined
  const effects: Effect[] = [STOP]
  if (error) effects.push({ type: 'report', error })
  effects.push(delay === undefined ? { type: 'closed', error } : { type: 'wait', delay })
  return {
    state: {
      ...state,
      status: delay === undefined ? 'closed' : 'reconnecting',
      attempt,
      retryDelay: delay,
      error: error ?? state.error,
    },
    effects,
  }
}

/** The stream is complete: closed without an error, for the consumers too. */
function complete(state: ConnectionState, ...effects: Effect[]): Transition {
  return {
    state: { ...state, status: 'closed', retryDelay: undefined },
    effects: [STOP, ...effects, { type: 'closed', error: undefined }],
  }
}

/** Closes with `error` (reported first when it is new). */
function closeWith(state: ConnectionState, error: EventStreamError | undefined, report: boolean): Transition {
  const effects: Effect[] = [STOP]
  if (report && error) effects.push({ type: 'report', error })
  effects.push({ type: 'closed', error })
  return { state: { ...state, status: 'closed', retryDelay: undefined, error }, effects }
}
