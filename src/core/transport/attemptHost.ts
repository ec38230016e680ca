import type { ConnectionConfig } from '../api/resolveOptions'
import type { Consumers } from '../connection/consumers'
import type { ConnectionState, Input } from '../connection/rules'
import type { Cancel } from '../connection/timers'
import type { EventStreamError } from '../errors'
import { keepShape } from '../keepShape'
import type { EventStreamParser } from '../wire/types'
import type { Failures } from './failures'
import type { RequestBuilder } from './request'

/** One request and the reading of its response. Whatever arrives for an attempt that is no longer active is ignored. */
export class Attempt {
  /** Cleared when the attempt stops. (Read for every event: a class, see `keepShape`.) */
  active = true
  readonly controller = new AbortController()
  /** What to stop when the attempt stops: its timers and its body reader. */
  readonly stops: Cancel[] = []
  /** The parser of its body, once it reads one: the newest last event ID is there. */
  parser: EventStreamParser | undefined = undefined

  constructor() {
    keepShape(Attempt, () => new Attempt())
  }
}

/** What an attempt needs from its connection, and how it reports back. */
export interface AttemptHost {
  readonly config: ConnectionConfig
  readonly request: RequestBuilder
  readonly failures: Failures
  readonly consumers: Consumers
  /** The connection's live state: the resume point, the attempt count, whether the stream has started. */
  readonly fields: Readonly<ConnectionState>
  /** What happened, for the connection's rules (ignored once the attempt is not the current one). */
  input(attempt: Attempt, input: Input): void
  /** A recoverable error (an event over `maxEventSize`, a throwing `doneWhen`): `state.error`, and reported. */
  report(error: EventStreamError): void
  /** A new last event ID, at the end of the chunk that brought it (read before from `Attempt.parser`). */
  setLastEventId(id: string): void
  /** Before every read: a promise to wait for while the consumers are backed up, else `undefined`. */
  ready(): Promise<void> | undefined
  /** Whether reading waits for backed-up consumers (the idle watchdog excuses the silence then). */
  waitingForConsumers(): boolean
}
