// The React view: `useEventStream` from the built library (bundled with React by demo/build.js into
// dist-demo/react.js), on the typed `/events` endpoint; and the chat panel with the request log (demo/chatPanel.tsx).
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import type { AnyStreamEvent } from 'typed-sse'
import { useEventStream } from 'typed-sse/react'
import { ChatPanel, cut, RequestLog } from './chatPanel'

/** The demo server's `/events`: event name → JSON data. */
type DemoEvents = {
  tick: { symbol: string; price: number }
  chat: { user: string; text: string }
}

function describe(event: AnyStreamEvent<DemoEvents>): string {
  // `type` narrows `data`.
  return event.type === 'tick'
    ? `${event.data.symbol} at ${event.data.price.toFixed(2)}`
    : `${event.data.user}: ${event.data.text}`
}

function App() {
  const { status, lastEvent, events, lastEventId, error, close, reconnect } = useEventStream<DemoEvents>(
    '/events',
    { history: 50, retry: { initialDelay: 500, maxDelay: 5000 } },
  )
  return (
    <section id="react">
      <h2>
        React: <code>useEventStream&lt;DemoEvents&gt;('/events')</code>
      </h2>
      <p>
        Status: <strong data-testid="react-status">{error ? `${status} (${error.message})` : status}</strong>{' '}
        · Last-Event-ID: <code>{lastEventId || '–'}</code> · Last event:{' '}
        <span data-testid="react-last">{lastEvent ? describe(lastEvent) : '–'}</span>
      </p>
      <p>
        <button type="button" onClick={status === 'closed' ? reconnect : close}>
          {status === 'closed' ? 'Reconnect' : 'Close'}
        </button>{' '}
        <button
          type="button"
          data-testid="react-cut"
          disabled={status !== 'open'}
          onClick={() => cut('/events')}
        >
          Cut the connection
        </button>
      </p>
      <ol data-testid="react-events" reversed>
        {[...events].reverse().map((event) => (
          <li key={event.id}>
            <code>{event.type}</code> {describe(event)}
          </li>
        ))}
      </ol>
    </section>
  )
}

const container = document.getElementById('react-root')
if (container)
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  )

const chatContainer = document.getElementById('chat-root')
if (chatContainer)
  createRoot(chatContainer).render(
    <StrictMode>
      <ChatPanel />
      <RequestLog />
    </StrictMode>,
  )
