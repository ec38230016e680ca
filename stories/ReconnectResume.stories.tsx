import type { Meta, StoryObj } from '@storybook/react-vite'
import { http } from 'msw'
import { useRef } from 'react'
import { useEventStream } from 'typed-sse/react'
import { createLiveEndpoint, useSeenRequests } from './mocks/live'
import { card, Demo, StateView } from './ui'

/** The mock server numbers its events (`id: N`) and resumes after the `Last-Event-ID` a request sends. */
const server = createLiveEndpoint<{ message: string }>((n) => ({ data: `Message ${n}` }))

interface Args {
  /** ms between events */
  interval: number
  /** the server breaks the connection after this many events (0: only the button does) */
  dropEvery: number
  /** base of the exponential backoff, in ms */
  initialDelay: number
  /** full jitter: wait a random time up to the backoff delay */
  jitter: boolean
}

function ReconnectAndResume(args: Args) {
  const url = `/api/resume?interval=${args.interval}&dropEvery=${args.dropEvery}`
  // A new URL is a new stream that starts afresh: remount the view so that its counters start afresh too.
  return <ResumeView key={url} url={url} {...args} />
}

function ResumeView({ url, initialDelay, jitter }: Args & { url: string }) {
  // Checked in an `on` handler, which sees every event as it arrives (renders may batch several).
  const check = useRef({ received: 0, duplicates: 0, gaps: 0, expected: 0 })
  const { status, attempt, retryDelay, lastEventId, error, events, reconnect } = useEventStream<{
    message: string
  }>(url, {
    decode: 'text',
    history: 8,
    retry: { initialDelay, maxDelay: 10_000, jitter },
    on: {
      message(_, event) {
        const n = Number(event.id)
        const seen = check.current
        seen.received++
        if (n < seen.expected) seen.duplicates++
        if (n > seen.expected) seen.gaps++
        seen.expected = Math.max(seen.expected, n + 1)
      },
    },
  })
  const requests = useSeenRequests(server)
  const seen = check.current
  return (
    <Demo
      title="Reconnect and resume"
      about={
        <>
          Drop the connection: the client waits a backoff delay (exponential, with jitter), reconnects with{' '}
          <code>Last-Event-ID</code>, and the server resumes after it. The half-sent event cut off by the drop
          is not dispatched, so no event is lost and none comes twice.
        </>
      }
    >
      <p>
        <button type="button" data-testid="drop" onClick={() => server.drop()}>
          Drop connection
        </button>{' '}
        <button type="button" onClick={() => reconnect()}>
          Reconnect now
        </button>
      </p>
      <StateView
        status={status}
        attempt={attempt}
        retryDelay={retryDelay}
        lastEventId={lastEventId}
        error={error}
      />
      <div style={card}>
        Received <strong data-testid="received">{seen.received}</strong> events ·{' '}
        <span data-testid="duplicates">{seen.duplicates}</span> duplicates ·{' '}
        <span data-testid="gaps">{seen.gaps}</span> gaps · latest:{' '}
        {events.map((event) => event.data).join(', ') || '–'}
      </div>
      <h3 style={{ fontSize: 15 }}>Requests the server received</h3>
      <ol data-testid="requests">
        {requests.map((request, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the log only grows
          <li key={i}>
            Last-Event-ID: <code>{request.lastEventId || '(none)'}</code> → streams from Message{' '}
            {request.firstEvent}
          </li>
        ))}
      </ol>
    </Demo>
  )
}

const meta = {
  title: 'Examples/3. Reconnect and resume',
  component: ReconnectAndResume,
  args: { interval: 500, dropEvery: 0, initialDelay: 1000, jitter: true },
  argTypes: {
    interval: { control: { type: 'range', min: 50, max: 2000, step: 50 }, description: 'ms between events' },
    dropEvery: {
      control: { type: 'range', min: 0, max: 20, step: 1 },
      description: 'the server drops the connection after this many events (0: only the button does)',
    },
    initialDelay: {
      control: { type: 'range', min: 100, max: 5000, step: 100 },
      description: 'base backoff delay in ms (`retry.initialDelay`)',
    },
    jitter: { control: 'boolean', description: 'full jitter (`retry.jitter`)' },
  },
  loaders: [
    async () => {
      server.reset()
      return {}
    },
  ],
  parameters: {
    msw: {
      handlers: [
        http.get('/api/resume', ({ request }) => {
          const query = new URL(request.url).searchParams
          return server.respond(request, {
            interval: Number(query.get('interval')) || 500,
            dropAfter: Number(query.get('dropEvery')) || 0,
          })
        }),
      ],
    },
  },
} satisfies Meta<typeof ReconnectAndResume>

export default meta

/** Press "Drop connection" (or set `dropEvery`) and watch the status, the backoff and the resume. */
export const DropAndResume: StoryObj<typeof meta> = {}
