import type { Input } from '../connection/rules'
import { watchIdle } from '../connection/timers'
import type { Attempt, AttemptHost } from './attemptHost'
import { AttemptReader } from './attemptReader'
import { createFailures, type Failures } from './failures'
import { readBody } from './readBody'
import { classifyResponse, discard } from './response'

const OPENED: Input = { type: 'opened' }
const FINISHED: Input = { type: 'finished' }
const DECLINED: Input = { type: 'declined' }

/**
 * Runs one attempt: build the request (headers, `Last-Event-ID`; with `resume`, `reconnectRequest`'s) →
 * fetch → classify the response (`classifyResponse`: open, done, or failed) → read and parse the body →
 * report how it ended as an input. It never rejects: anything thrown becomes an `EventStreamError`.
 */
export async function runAttempt(attempt: Attempt, host: AttemptHost, resume: boolean): Promise<void> {
  const { request, config, fields } = host
  const { idleTimeout } = config
  /** How errors name this attempt's request: the original, or the one `reconnectRequest` gave. */
  let { failures } = host
  let secrets = request.urlSecrets
  let opened = false
  const fail = (what: string, cause: unknown) => {
    const error = failures.network(what, cause, secrets)
    host.input(attempt, opened ? { type: 'dropped', error } : { type: 'failed', error })
  }
  const watchdog =
    idleTimeout === undefined
      ? undefined
      : watchIdle(
          idleTimeout,
          () => host.input(attempt, { type: 'dropped', error: failures.idle(idleTimeout) }),
          () => host.waitingForConsumers(),
        )
  if (watchdog) attempt.stops.push(watchdog.cancel)

  let response: unknown
  try {
    const context = resume ? { lastEventId: fields.lastEventId, attempt: fields.attempt } : undefined
    const built = await request.build(fields.lastEventId, attempt.controller.signal, context)
    if (!attempt.active) return
    if (built === false) return host.input(attempt, DECLINED)
    secrets = built.secrets
    if (resume && config.reconnectRequest) failures = createFailures(String(built.init.method), built.url)
    // Looked up at every attempt (a test may install its mock later), and called as a plain function.
    response = await (config.fetch ?? globalThis.fetch)(built.url, built.init)
  } catch (cause) {
    return fail('request failed', cause)
  }
  if (!attempt.active) return discard(response)
  let body: ReadableStream<Uint8Array | string>
  try {
    const outcome = classifyResponse(response, failures.where, failures.url)
    if (outcome.kind !== 'open') {
      discard(response)
      return host.input(attempt, outcome.kind === 'done' ? FINISHED : { type: 'failed', ...outcome })
    }
    body = outcome.body
  } catch (cause) {
    return fail('unreadable response', cause) // a response whose getters throw
  }
  opened = true
  host.input(attempt, OPENED)
  if (!attempt.active) return discard(response) // a state listener closed or reconnected as the stream opened
  try {
    await read(attempt, host, failures, body, watchdog?.touch)
  } catch (cause) {
    return fail('connection lost', cause)
  }
  host.input(attempt, { type: 'ended', cut: failures.cut() })
}

/**
 * Reads and parses `body` until it ends or the attempt does; each attempt has a parser of its own.
 * The connection reads a new last event ID from the parser when asked (so it is in `state` at once);
 * consumers hear of it once per chunk, not once per event.
 */
function read(
  attempt: Attempt,
  host: AttemptHost,
  failures: Failures,
  body: ReadableStream<Uint8Array | string>,
  touch?: () => void,
): Promise<void> {
  const reader = new AttemptReader(attempt, host, failures, touch)
  attempt.parser = reader.parser
  return readBody(body, reader)
}
