import { describe, expect, it } from 'vitest'
import { defaultRetryOptions, type RetryPolicy } from '../../src/core/connection/retry'
import {
  type ConnectionState,
  type Effect,
  type Input,
  next,
  type Rules,
} from '../../src/core/connection/rules'
import { initialState } from '../../src/core/connection/state'
import { EventStreamError } from '../../src/core/errors'

// The connection's rules as a table: status (and what the rules remember) × input → the next state and the
// effects the runner performs. No fetch, no timers: the runner's tests check that it performs them.

const policy: RetryPolicy = { ...defaultRetryOptions, jitter: false }
const feed: Rules = {
  retry: policy,
  finite: false,
  untilDone: false,
  reconnectRequest: false,
  firstEventId: '',
}
const finite: Rules = { ...feed, finite: true }
const resumable: Rules = { ...finite, reconnectRequest: true }

const network = new EventStreamError('network', 'GET http://x/: connection lost')
const http503 = new EventStreamError('http', 'GET http://x/ failed with HTTP 503', { status: 503 })
const http404 = new EventStreamError('http', 'GET http://x/ failed with HTTP 404', { status: 404 })
const http401 = new EventStreamError('http', 'GET http://x/ failed with HTTP 401', { status: 401 })

function state(patch: Partial<ConnectionState> = {}): ConnectionState {
  return {
    ...initialState('open', ''),
    serverRetry: undefined,
    paused: false,
    started: false,
    stopped: false,
    ...patch,
  }
}

const STOP: Effect = { type: 'stop' }
const wait = (delay: number): Effect => ({ type: 'wait', delay })
const report = (error: EventStreamError): Effect => ({ type: 'report', error })
const closed = (error?: EventStreamError): Effect => ({ type: 'closed', error })
const connect = (resume = false): Effect => ({ type: 'connect', resume })

interface Row {
  name: string
  rules: Rules
  before: Partial<ConnectionState>
  input: Input
  after: Partial<ConnectionState>
  effects: Effect[]
}

const rows: Row[] = [
  // Opening
  {
    name: 'a response opens: error and delay cleared',
    rules: feed,
    before: { status: 'connecting', error: network },
    input: { type: 'opened' },
    after: { status: 'open', error: undefined },
    effects: [],
  },
  {
    name: 'opening after failures arms the resetAfter timer',
    rules: feed,
    before: { status: 'reconnecting', attempt: 2, retryDelay: 2000 },
    input: { type: 'opened' },
    after: { status: 'open', attempt: 2, retryDelay: undefined },
    effects: [{ type: 'settle', delay: 5000 }],
  },
  {
    name: 'staying open resetAfter resets the backoff',
    rules: feed,
    before: { attempt: 3 },
    input: { type: 'settled' },
    after: { attempt: 0 },
    effects: [],
  },
  {
    name: 'progress (a new last event ID) resets the backoff',
    rules: feed,
    before: { attempt: 3, lastEventId: '41' },
    input: { type: 'progress' },
    after: { attempt: 0 },
    effects: [],
  },
  {
    name: 'the server’s retry: replaces the base delay',
    rules: feed,
    before: {},
    input: { type: 'retry', delay: 250 },
    after: { serverRetry: 250 },
    effects: [],
  },
  // Failures before the body, in any stream
  {
    name: 'a network error retries after the backoff',
    rules: feed,
    before: { status: 'connecting' },
    input: { type: 'failed', error: network },
    after: { status: 'reconnecting', attempt: 1, retryDelay: 1000, error: network },
    effects: [STOP, report(network), wait(1000)],
  },
  {
    name: 'the third consecutive failure waits 4 s',
    rules: feed,
    before: { status: 'reconnecting', attempt: 2 },
    input: { type: 'failed', error: network },
    after: { status: 'reconnecting', attempt: 3, retryDelay: 4000 },
    effects: [STOP, report(network), wait(4000)],
  },
  {
    name: 'a 503 with Retry-After waits at least that long',
    rules: feed,
    before: { status: 'connecting' },
    input: { type: 'failed', error: http503, retryAfter: 7000 },
    after: { status: 'reconnecting', attempt: 1, retryDelay: 7000 },
    effects: [STOP, report(http503), wait(7000)],
  },
  {
    name: 'the server’s retry: has a 100 ms floor',
    rules: feed,
    before: { status: 'open', serverRetry: 0 },
    input: { type: 'failed', error: network },
    after: { status: 'reconnecting', retryDelay: 100 },
    effects: [STOP, report(network), wait(100)],
  },
  {
    name: 'a 404 is fatal',
    rules: feed,
    before: { status: 'connecting' },
    input: { type: 'failed', error: http404 },
    after: { status: 'closed', attempt: 1, retryDelay: undefined, error: http404 },
    effects: [STOP, report(http404), closed(http404)],
  },
  {
    name: 'maxAttempts: 2 closes after the second failure',
    rules: { ...feed, retry: { ...policy, maxAttempts: 2 } },
    before: { status: 'reconnecting', attempt: 1 },
    input: { type: 'failed', error: network },
    after: { status: 'closed', attempt: 2 },
    effects: [STOP, report(network), closed(network)],
  },
  {
    name: 'retry: false closes at the first failure',
    rules: { ...feed, retry: false },
    before: { status: 'connecting' },
    input: { type: 'failed', error: http503 },
    after: { status: 'closed', attempt: 1 },
    effects: [STOP, report(http503), closed(http503)],
  },
  {
    name: 'shouldRetry refines the default: a 401 rule keeps retrying network errors',
    rules: {
      ...feed,
      retry: {
        ...policy,
        shouldRetry: (error, attempt, byDefault) => (error.status === 401 ? attempt <= 3 : byDefault),
      },
    },
    before: { status: 'reconnecting', attempt: 5 },
    input: { type: 'failed', error: network },
    after: { status: 'reconnecting', attempt: 6 },
    effects: [STOP, report(network), wait(30_000)],
  },
  {
    name: 'shouldRetry’s 401 rule retries a 401 three times',
    rules: {
      ...feed,
      retry: {
        ...policy,
        shouldRetry: (error, attempt, byDefault) => (error.status === 401 ? attempt <= 3 : byDefault),
      },
    },
    before: { status: 'reconnecting', attempt: 3 },
    input: { type: 'failed', error: http401 },
    after: { status: 'closed', attempt: 4 },
    effects: [STOP, report(http401), closed(http401)],
  },
  // A feed's body
  {
    name: 'a feed whose body ends reconnects (EventSource), counting it as an attempt',
    rules: feed,
    before: { status: 'open', lastEventId: '7' },
    input: { type: 'ended', cut: network },
    after: { status: 'reconnecting', attempt: 1, retryDelay: 1000 },
    effects: [STOP, wait(1000)],
  },
  {
    name: 'a feed that drops reconnects',
    rules: feed,
    before: { status: 'open', started: true },
    input: { type: 'dropped', error: network },
    after: { status: 'reconnecting', attempt: 1 },
    effects: [STOP, report(network), wait(1000)],
  },
  {
    name: 'a started feed with reconnectRequest resumes through it',
    rules: { ...feed, reconnectRequest: true },
    before: { status: 'reconnecting', started: true },
    input: { type: 'wake' },
    after: { status: 'reconnecting' },
    effects: [connect(true)],
  },
  // Streams that end
  {
    name: 'a finite stream whose body ends is complete: closed without an error',
    rules: finite,
    before: { status: 'open', started: true },
    input: { type: 'ended', cut: network },
    after: { status: 'closed', attempt: 0, error: undefined },
    effects: [STOP, closed()],
  },
  {
    name: 'with a doneWhen of the user’s, a finite stream whose body ends before its event was cut: it resumes',
    rules: { ...finite, untilDone: true },
    before: { status: 'open', started: true, lastEventId: '12' },
    input: { type: 'ended', cut: network },
    after: { status: 'reconnecting', attempt: 1, error: network },
    effects: [STOP, report(network), wait(1000)],
  },
  {
    name: 'with a doneWhen of the user’s, a finite stream that cannot resume closes with the cut',
    rules: { ...finite, untilDone: true },
    before: { status: 'open', started: true, lastEventId: '' },
    input: { type: 'ended', cut: network },
    after: { status: 'closed', error: network },
    effects: [STOP, report(network), closed(network)],
  },
  {
    name: 'doneWhen ends a feed too',
    rules: feed,
    before: { status: 'open', started: true },
    input: { type: 'done' },
    after: { status: 'closed' },
    effects: [STOP, closed()],
  },
  {
    name: 'a 204 closes for good and forgets the persisted ID',
    rules: feed,
    before: { status: 'connecting' },
    input: { type: 'finished' },
    after: { status: 'closed' },
    effects: [STOP, { type: 'forget' }, closed()],
  },
  {
    name: 'a finite stream that drops before its first event retries from the start',
    rules: finite,
    before: { status: 'open', started: false },
    input: { type: 'dropped', error: network },
    after: { status: 'reconnecting', attempt: 1 },
    effects: [STOP, report(network), wait(1000)],
  },
  {
    name: 'a started finite stream with event IDs resumes with them',
    rules: finite,
    before: { status: 'open', started: true, lastEventId: '12' },
    input: { type: 'dropped', error: network },
    after: { status: 'reconnecting', attempt: 1 },
    effects: [STOP, report(network), wait(1000)],
  },
  {
    name: 'a started finite stream without IDs or reconnectRequest closes with the network error',
    rules: finite,
    before: { status: 'open', started: true, lastEventId: '' },
    input: { type: 'dropped', error: network },
    after: { status: 'closed', error: network, attempt: 0 },
    effects: [STOP, report(network), closed(network)],
  },
  {
    name: 'a started finite stream with reconnectRequest resumes through it',
    rules: resumable,
    before: { status: 'reconnecting', started: true },
    input: { type: 'wake' },
    after: {},
    effects: [connect(true)],
  },
  {
    name: 'a finite stream that has not started retries with the original request',
    rules: resumable,
    before: { status: 'reconnecting', started: false },
    input: { type: 'wake' },
    after: {},
    effects: [connect(false)],
  },
  {
    name: 'reconnectRequest returning false closes with the error that ended the connection',
    rules: resumable,
    before: { status: 'reconnecting', started: true, error: network, attempt: 1 },
    input: { type: 'declined' },
    after: { status: 'closed', error: network },
    effects: [STOP, closed(network)],
  },
  {
    name: 'the first event marks the stream started',
    rules: finite,
    before: { status: 'open' },
    input: { type: 'started' },
    after: { started: true },
    effects: [],
  },
  // reconnect() and close()
  {
    name: 'reconnect() of a feed resumes at once with the backoff reset',
    rules: feed,
    before: { status: 'reconnecting', attempt: 4, retryDelay: 16_000, started: true, lastEventId: '9' },
    input: { type: 'reconnect' },
    after: { status: 'connecting', attempt: 0, retryDelay: undefined, lastEventId: '9', started: true },
    effects: [STOP, { type: 'watch' }, connect()],
  },
  {
    name: 'reconnect() of a finished finite stream starts it again from the start',
    rules: { ...finite, firstEventId: '' },
    before: { status: 'closed', started: true, lastEventId: '40' },
    input: { type: 'reconnect' },
    after: { status: 'connecting', attempt: 0, lastEventId: '', started: false },
    effects: [STOP, { type: 'restarted' }, { type: 'watch' }, connect(false)],
  },
  {
    name: 'close() stops everything, tells the consumers and releases',
    rules: feed,
    before: { status: 'reconnecting', retryDelay: 1000 },
    input: { type: 'close' },
    after: { status: 'closed', retryDelay: undefined, stopped: true },
    effects: [STOP, closed(), { type: 'release' }],
  },
  {
    name: 'after close() nothing happens',
    rules: feed,
    before: { status: 'closed', stopped: true },
    input: { type: 'reconnect' },
    after: { status: 'closed' },
    effects: [],
  },
  // The page
  {
    name: 'a page hidden for pauseWhenHidden closes the connection until it shows',
    rules: feed,
    before: { status: 'open' },
    input: { type: 'hidden' },
    after: { status: 'reconnecting', paused: true, retryDelay: undefined },
    effects: [STOP],
  },
  {
    name: 'a paused connection reconnects at once when the page shows, resuming',
    rules: feed,
    before: { status: 'reconnecting', paused: true, attempt: 2, started: true },
    input: { type: 'visible' },
    after: { status: 'connecting', paused: false, attempt: 0 },
    effects: [connect()],
  },
  {
    name: 'a started finite stream that cannot resume stays open while the page is hidden',
    rules: finite,
    before: { status: 'open', started: true, lastEventId: '' },
    input: { type: 'hidden' },
    after: { status: 'open', paused: false },
    effects: [],
  },
  {
    name: 'a started finite stream with event IDs pauses, and resumes with them when the page shows',
    rules: finite,
    before: { status: 'open', started: true, lastEventId: '12' },
    input: { type: 'hidden' },
    after: { status: 'reconnecting', paused: true },
    effects: [STOP],
  },
  {
    name: 'a closed stream does not pause',
    rules: feed,
    before: { status: 'closed' },
    input: { type: 'hidden' },
    after: { status: 'closed', paused: false },
    effects: [],
  },
  {
    name: 'showing a page that was never paused changes nothing',
    rules: feed,
    before: { status: 'open' },
    input: { type: 'visible' },
    after: { status: 'open' },
    effects: [],
  },
]

describe('the connection’s rules', () => {
  it.each(rows)('$name', ({ rules, before, input, after, effects }) => {
    const transition = next(state(before), input, rules)
    expect(transition.state).toMatchObject(after)
    for (const [field, value] of Object.entries(after)) {
      expect(transition.state[field as keyof ConnectionState], field).toBe(value)
    }
    expect(transition.effects).toEqual(effects)
  })

  it('never changes the state it is given', () => {
    const before = state({ status: 'open', attempt: 2 })
    const copy = { ...before }
    for (const row of rows) next(before, row.input, row.rules)
    expect(before).toEqual(copy)
  })

  it('backs off a server that ends every connection without progress: 100, 200, 400 … ms from retry: 0', () => {
    let current = state({ status: 'open', serverRetry: 0 })
    const delays: number[] = []
    for (let i = 0; i < 6; i++) {
      const { state: after, effects } = next(current, { type: 'ended', cut: network }, feed)
      delays.push(after.retryDelay as number)
      expect(effects.at(-1)).toEqual(wait(after.retryDelay as number))
      current = next(next(after, { type: 'wake' }, feed).state, { type: 'opened' }, feed).state
    }
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200])
  })

  it('follows a server that cuts every few events but moves on at its pace: the base delay every time', () => {
    let current = state({ status: 'open', serverRetry: 5 })
    const delays: number[] = []
    for (let i = 0; i < 6; i++) {
      current = next(current, { type: 'progress' }, feed).state
      const { state: after } = next(current, { type: 'ended', cut: network }, feed)
      delays.push(after.retryDelay as number)
      current = next(next(after, { type: 'wake' }, feed).state, { type: 'opened' }, feed).state
    }
    expect(delays).toEqual([100, 100, 100, 100, 100, 100])
  })
})
