import type { Meta, StoryObj } from '@storybook/react-vite'
import { http } from 'msw'
import { useState } from 'react'
import { useEventStream } from 'typed-sse/react'
import { createLiveEndpoint, useSeenRequests } from './mocks/live'
import { card, Demo } from './ui'

const notifications = createLiveEndpoint<{ message: string }>((n) => ({ data: `Notification ${n}` }))

/** Two unrelated components ask for the same stream. */
function Badge() {
  const { status, events } = useEventStream<{ message: string }>('/api/notifications', {
    decode: 'text',
    history: 100,
  })
  return (
    <div style={card} data-testid="badge">
      <b>Badge</b> ({status}): <span data-testid="badge-count">{events.length}</span> unread
    </div>
  )
}

function Inbox() {
  const { status, events } = useEventStream<{ message: string }>('/api/notifications', {
    decode: 'text',
    history: 5,
  })
  return (
    <div style={card} data-testid="inbox">
      <b>Inbox</b> ({status})
      <ul>
        {events.map((event) => (
          <li key={event.id}>{event.data}</li>
        ))}
      </ul>
    </div>
  )
}

function SharedConnection() {
  const [showInbox, setShowInbox] = useState(true)
  const requests = useSeenRequests(notifications)
  return (
    <Demo
      title="Two components, one connection"
      about={
        <>
          Components that call <code>useEventStream</code> with the same URL and the same connection options
          (method, body, credentials, headers, retry, …: all but <code>decode</code> and <code>signal</code>)
          share one connection (ref-counted): the server sees one request. Each component still gets every
          event and decodes for itself. The last one to unmount closes it.
        </>
      }
    >
      <p>
        Requests the server received: <strong data-testid="request-count">{requests.length}</strong>{' '}
        <button type="button" onClick={() => setShowInbox((shown) => !shown)}>
          {showInbox ? 'Unmount' : 'Mount'} the inbox
        </button>
      </p>
      <Badge />
      {showInbox && <Inbox />}
    </Demo>
  )
}

const meta = {
  title: 'Examples/7. Shared connection',
  component: SharedConnection,
  loaders: [
    async () => {
      notifications.reset()
      return {}
    },
  ],
  parameters: {
    msw: {
      handlers: [
        http.get('/api/notifications', ({ request }) => notifications.respond(request, { interval: 500 })),
      ],
    },
  },
} satisfies Meta<typeof SharedConnection>

export default meta

/** The badge and the inbox render the same events; the request counter stays at 1. */
export const BadgeAndInbox: StoryObj<typeof meta> = {}
