import type { Meta, StoryObj } from '@storybook/react-vite'
import { HttpResponse, http } from 'msw'
import type { ReactNode } from 'react'
import { useEventStream } from 'typed-sse/react'
import { eventStreamHandler } from 'typed-sse/testing'
import { card, Demo, StateView } from './ui'

/** What a failing endpoint looks like to the user of the hook: `status`, `error`, `attempt`, `retryDelay`. */
function ErrorCase({ url, about, title }: { url: string; about: ReactNode; title: string }) {
  const { status, error, attempt, retryDelay, events, reconnect } = useEventStream<{
    reading: { n: number }
  }>(url, { history: 5, retry: { initialDelay: 1000, maxDelay: 8000, maxAttempts: 6 } })
  return (
    <Demo title={title} about={about}>
      <StateView status={status} attempt={attempt} retryDelay={retryDelay} error={error} />
      <div style={card}>
        Events received:{' '}
        <span data-testid="events">{events.map((event) => event.raw).join(' ') || 'none'}</span>
      </div>
      <button type="button" onClick={reconnect}>
        Try again (<code>reconnect()</code>)
      </button>
    </Demo>
  )
}

const meta = {
  title: 'Examples/4. Errors',
  component: ErrorCase,
  parameters: {
    msw: {
      handlers: [
        eventStreamHandler('/api/private', [], { status: 401 }),
        http.get('/api/flaky', ({ request }) => {
          const status = Number(new URL(request.url).searchParams.get('status')) || 500
          return new HttpResponse('upstream failed', { status, headers: { 'retry-after': '5' } })
        }),
        // A common mistake: the URL hits the app's HTML fallback page instead of the stream.
        http.get('/api/typo', () => HttpResponse.html('<!doctype html><title>My app</title>')),
        eventStreamHandler('/api/readings', [
          { event: 'reading', data: '{"n":1}', id: '1' },
          { event: 'reading', data: '{"n":2', id: '2' },
          { event: 'reading', data: '{"n":3}', id: '3' },
        ]),
      ],
    },
  },
} satisfies Meta<typeof ErrorCase>

export default meta
type Story = StoryObj<typeof meta>

/** 401 and the other 4xx are fatal: `closed` with an `http` error and no retries, until `reconnect()`. */
export const Unauthorized: Story = {
  args: {
    title: 'HTTP 401',
    url: '/api/private',
    about: (
      <>
        A 4xx (other than 408 and 429) is not retried: the status is <code>closed</code> and{' '}
        <code>error.code</code> is <code>'http'</code> with <code>error.status</code> 401. Refresh the token
        (a <code>headers</code> function is called on every attempt) and call <code>reconnect()</code>.
      </>
    ),
  },
}

/**
 * 5xx is retried with exponential backoff. `Retry-After` is honoured on 503 and 429 only (a 500 ignores
 * it): switch the URL to `?status=503` to see the delay become at least 5 s.
 */
export const ServerErrorWithRetryAfter: Story = {
  args: {
    title: 'HTTP 500 with Retry-After',
    url: '/api/flaky?status=500',
    about: (
      <>
        A 5xx is retried: the status is <code>reconnecting</code>, <code>attempt</code> counts the failures
        and <code>retryDelay</code> is the backoff before the next one (here at most 6 attempts, then{' '}
        <code>closed</code>). The server sends <code>Retry-After: 5</code>, which counts for 503 and 429; try
        the URL <code>/api/flaky?status=503</code>.
      </>
    ),
  },
  argTypes: {
    url: { control: 'select', options: ['/api/flaky?status=500', '/api/flaky?status=503'] },
  },
}

/** A 200 that is not `text/event-stream` (an HTML page) is fatal: `content-type` error, no retries. */
export const WrongContentType: Story = {
  args: {
    title: 'Wrong content type',
    url: '/api/typo',
    about: (
      <>
        The endpoint answered 200 with an HTML page (a typo in the URL, a login redirect, an SPA fallback).
        The client does not retry it: <code>closed</code> with a <code>content-type</code> error naming what
        came.
      </>
    ),
  },
}

/** Invalid JSON in one event skips that event with a `decode` error; the stream goes on. */
export const InvalidJson: Story = {
  args: {
    title: 'Invalid JSON',
    url: '/api/readings',
    about: (
      <>
        The second event's data is not JSON. It is skipped and reported as a <code>decode</code> error (to{' '}
        <code>onError</code> and <code>error</code>); the connection stays <code>open</code> and the next
        event arrives.
      </>
    ),
  },
}
