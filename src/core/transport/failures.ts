import { EventStreamError, reasonOf } from '../errors'
import { redactUrl, scrub } from './url'

/**
 * How a connection words the errors of its requests. Messages name the request by method and redacted
 * URL (`GET https://host/feed?token=***`); the full URL is `error.url`.
 */
export function createFailures(method: string, href: string) {
  const where = `${method} ${redactUrl(href)}`
  return {
    where,
    /** The full URL of the request. */
    url: href,
    /** `cause` as a `network` error, its text without `secrets`; an `EventStreamError` stays as it is. */
    network(what: string, cause: unknown, secrets: readonly string[]): EventStreamError {
      if (cause instanceof EventStreamError) return cause
      const message = `${where}: ${what} (${scrub(reasonOf(cause), secrets)})`
      return new EventStreamError('network', message, { cause, url: href })
    },
    /** A finite stream whose body ended before its `doneWhen` event: a cut, not the end of the answer. */
    cut(): EventStreamError {
      return new EventStreamError('network', `${where}: the body ended before the \`doneWhen\` event`, {
        url: href,
      })
    },
    idle(timeout: number): EventStreamError {
      return new EventStreamError('idle-timeout', `${where}: no data for ${timeout} ms: reconnecting`, {
        url: href,
      })
    },
    tooLarge(type: string, preview: string, maxEventSize: number): EventStreamError {
      const message = `${where}: dropped a "${type}" event larger than maxEventSize (${maxEventSize} characters)`
      return new EventStreamError('too-large', message, { event: { type, raw: preview }, url: href })
    },
  }
}

/** How a connection words the errors of its requests. */
export type Failures = ReturnType<typeof createFailures>
