import type { EventMap, EventStream } from '../types'
import type { EventStreamOptions } from './options'
import { openEventStream } from './share'

/**
 * Opens a typed event stream on its own connection. A feed (GET) reconnects with exponential backoff and
 * full jitter, resumes with `Last-Event-ID`, and runs until `close()` (or `signal` aborts); a finite stream
 * (POST and other methods: an LLM answer) completes when its body ends or `doneWhen` says so, and resumes
 * only where it can. With `share: 'page'` or a strategy such as `tabs` (`typed-sse/tabs`) it uses a shared
 * connection instead: then `close()` releases this stream only.
 *
 * @param url - the `text/event-stream` endpoint (relative URLs resolve against the page in browsers)
 * @param options - request, decoding and reconnect options
 * @returns the stream: `on`, `onAny`, `onError`, `state`, `onState`, `reconnect`, `close`, and `for await`
 * @throws TypeError when an option is invalid (a negative delay, an unparsable URL), before anything starts
 *
 * @example
 * type Events = { message: { text: string }; joined: { user: string } }
 * const stream = createEventStream<Events>('/chat/stream')
 * stream.on('joined', (data) => console.log(`${data.user} joined`))
 * @public
 */
export function createEventStream<E extends EventMap>(
  url: string | URL,
  options?: EventStreamOptions<E>,
): EventStream<E> {
  return openEventStream(url, options, false)
}
