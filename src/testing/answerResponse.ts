import type { ChatAnswer } from './chatAnswer'

const encoder = new TextEncoder()

/**
 * The `text/event-stream` response of a new connection to `answer`: the events after `lastEventId` (all of
 * them without one), then the rest as they are generated, until the answer ends, the connection is cut (a
 * network error) or the request's `signal` aborts.
 */
export function answerResponse(
  answer: ChatAnswer,
  lastEventId: string | null,
  signal: AbortSignal,
): Response {
  const connection = answer.follow(lastEventId)
  const leave = () => answer.leave(connection)
  signal.addEventListener('abort', leave, { once: true })
  const body = new ReadableStream<Uint8Array>(
    {
      // One event per read: an error only ever follows what the reader already took.
      async pull(controller) {
        while (connection.queue.length === 0 && answer.isOpen(connection)) await connection.changed()
        const text = connection.queue.shift()
        try {
          if (text !== undefined) controller.enqueue(encoder.encode(text))
          else if (connection.ending === 'cut')
            controller.error(new TypeError('network error (connection cut by the mock chat)'))
          else controller.close()
        } catch {
          // The reader cancelled the body meanwhile.
        }
      },
      cancel: leave,
    },
    { highWaterMark: 0 },
  )
  // Chunked: with MSW 3 on Node, a body that breaks reaches `fetch` as a network error only when its
  // response is self-delimiting; otherwise the socket's close reads as the body's clean end.
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      'transfer-encoding': 'chunked',
    },
  })
}
