import type { Meta, StoryObj } from '@storybook/react-vite'
import { http } from 'msw'
import { useRef } from 'react'
import { useEventStream } from 'typed-sse/react'
import { createLiveEndpoint, useSeenRequests } from './mocks/live'
import { card, Demo, StateView } from './ui'

/**
 * The mock server counts: event `n` has the id `n` and the data `n`, and a request with `Last-Event-ID: k`
 * starts at `k + 1`. It keeps no state across page loads: only the client's stored ID carries the count.
 */
const counter = createLiveEndpoint<{ message: string }>((n) => ({ data: String(n) }))

function ReloadMe({ interval }: { interval: number }) {
  // Checked in an `on` handler, which sees every event as it arrives (renders may batch several).
  const check = useRef({ first: undefined as number | undefined, gaps: 0, duplicates: 0, expected: -1 })
  const { status, lastEvent, lastEventId, error } = useEventStream<{ message: string }>(
    `/api/counter?interval=${interval}`,
    {
      decode: 'text',
      persist: 'session',
      on: {
        message(_, event) {
          const n = Number(event.id)
          const seen = check.current
          seen.first ??= n
          if (seen.expected !== -1 && n < seen.expected) seen.duplicates++
          if (seen.expected !== -1 && n > seen.expected) seen.gaps++
          seen.expected = n + 1
        },
      },
    },
  )
  const [request] = useSeenRequests(counter)
  const seen = check.current
  return (
    <Demo
      title="Reload me"
      about={
        <>
          <code>{"useEventStream('/api/counter', { persist: 'session' })"}</code> keeps the last event ID in{' '}
          <code>sessionStorage</code> (written at most twice a second, and when the page goes away). Reload
          the frame: the first request of the new page sends it as <code>Last-Event-ID</code>, and the counter
          goes on where it was instead of starting from 0.
        </>
      }
    >
      <p>
        <button type="button" data-testid="reload" onClick={() => location.reload()}>
          Reload this frame
        </button>
      </p>
      <StateView status={status} lastEventId={lastEventId} error={error} />
      <div style={{ ...card, fontSize: 40, fontWeight: 600 }} data-testid="counter">
        {lastEvent?.data ?? '–'}
      </div>
      <div style={card}>
        This page load: first request sent Last-Event-ID{' '}
        <code data-testid="resumed-after">{request ? request.lastEventId || '(none)' : '–'}</code>, first
        event <strong data-testid="first">{seen.first ?? '–'}</strong> ·{' '}
        <span data-testid="gaps">{seen.gaps}</span> gaps ·{' '}
        <span data-testid="duplicates">{seen.duplicates}</span> duplicates
      </div>
    </Demo>
  )
}

const meta = {
  title: 'Examples/8. Reload me',
  component: ReloadMe,
  args: { interval: 500 },
  argTypes: {
    interval: { control: { type: 'range', min: 50, max: 2000, step: 50 }, description: 'ms between events' },
  },
  parameters: {
    msw: {
      handlers: [
        http.get('/api/counter', ({ request }) =>
          counter.respond(request, {
            interval: Number(new URL(request.url).searchParams.get('interval')) || 500,
          }),
        ),
      ],
    },
  },
} satisfies Meta<typeof ReloadMe>

export default meta

/** A counter that survives a reload: press "Reload this frame" (or reload the page) and it goes on. */
export const Counter: StoryObj<typeof meta> = {}
