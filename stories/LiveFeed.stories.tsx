import type { Meta, StoryObj } from '@storybook/react-vite'
import { http } from 'msw'
import { useEventStream } from 'typed-sse/react'
import { createLiveEndpoint } from './mocks/live'
import { Demo, StateView } from './ui'

/** The mock server: `id: N` / `data: Message N`, one event per `?interval=` ms (the plain `/stream` of the demo server). */
const feed = createLiveEndpoint<{ message: string }>((n) => ({ data: `Message ${n}` }))

function LiveFeed({ interval }: { interval: number }) {
  // `decode: 'text'` keeps `data` a string; `history` keeps the last events in `events`.
  const { status, events, lastEventId, error } = useEventStream<{ message: string }>(
    `/api/feed?interval=${interval}`,
    { decode: 'text', history: 10 },
  )
  return (
    <Demo
      title="Live feed"
      about={
        <>
          <code>useEventStream('/api/feed', {'{ decode: "text", history: 10 }'})</code> renders the newest
          messages as they arrive. Change <em>interval</em> and the hook opens a new connection for the new
          URL.
        </>
      }
    >
      <StateView status={status} lastEventId={lastEventId} error={error} />
      <ol data-testid="feed" reversed>
        {[...events].reverse().map((event) => (
          <li key={event.id}>{event.data}</li>
        ))}
      </ol>
    </Demo>
  )
}

const meta = {
  title: 'Examples/1. Live feed',
  component: LiveFeed,
  args: { interval: 1000 },
  argTypes: {
    interval: { control: { type: 'range', min: 50, max: 3000, step: 50 }, description: 'ms between events' },
  },
  parameters: {
    msw: {
      handlers: [
        http.get('/api/feed', ({ request }) =>
          feed.respond(request, {
            interval: Number(new URL(request.url).searchParams.get('interval')) || 1000,
          }),
        ),
      ],
    },
  },
} satisfies Meta<typeof LiveFeed>

export default meta

/** The plain stream: `data: Message N` every second, rendered as a growing list. */
export const EverySecond: StoryObj<typeof meta> = {}
