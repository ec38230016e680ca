import type { Meta, StoryObj } from '@storybook/react-vite'
import { http } from 'msw'
import { useState } from 'react'
import { useEventStream } from 'typed-sse/react'
import { eventStreamResponse } from 'typed-sse/testing'
import { card, Demo, StateView } from './ui'

/** What the completion endpoint streams. */
type CompletionEvents = {
  token: { text: string }
  done: { tokens: number }
}

const answer =
  'Server-Sent Events are a one-way stream of text events over plain HTTP. A fetch-based client can POST a ' +
  'prompt with a JSON body, send an Authorization header, and read the answer token by token as it arrives.'

/** The mock "LLM": reads the POSTed JSON and streams the answer word by word, then a `done` event. */
const completions = http.post('/api/completions', async ({ request }) => {
  const { prompt, delay } = (await request.json()) as { prompt: string; delay: number }
  const tokens = `You asked: "${prompt}". ${answer}`.split(/(?<= )/)
  return eventStreamResponse<CompletionEvents>(
    [
      ...tokens.map((text) => ({ event: 'token' as const, data: { text } })),
      { event: 'done', data: { tokens: tokens.length } },
    ],
    { interval: delay, whenDone: 'end' },
  )
})

interface Args {
  prompt: string
  delay: number
}

function Completion(args: Args) {
  // A new prompt starts a new answer.
  return <Answer key={JSON.stringify(args)} {...args} />
}

function Answer({ prompt, delay }: Args) {
  const [request, setRequest] = useState(1)
  const [text, setText] = useState('')
  const [done, setDone] = useState<number>()
  // A new body is a new request: the request number makes "Ask again" send the same prompt again.
  const body = JSON.stringify({ prompt, delay, request })
  const { status, error } = useEventStream<CompletionEvents>('/api/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    // A completion is not resumable: when the answer ends (or fails) the stream closes instead of re-POSTing.
    retry: false,
    on: {
      token: ({ text }) => setText((current) => current + text),
      done: ({ tokens }) => setDone(tokens),
    },
  })
  return (
    <Demo
      title="LLM-style token streaming over POST"
      about={
        <>
          <code>
            useEventStream('/api/completions', {'{ method: "POST", body, headers, retry: false, on }'})
          </code>{' '}
          sends the prompt as a JSON body (which <code>EventSource</code> cannot) and appends each{' '}
          <code>token</code> event in an <code>on</code> handler, so the text grows as it arrives.
        </>
      }
    >
      <StateView status={status} error={error} />
      <div style={{ ...card, minHeight: 80, whiteSpace: 'pre-wrap' }} data-testid="answer">
        {text}
        {status === 'open' && <span aria-hidden>▍</span>}
      </div>
      <p>
        {done !== undefined && <span data-testid="done">Done: {done} tokens. </span>}
        <button
          type="button"
          onClick={() => {
            setText('')
            setDone(undefined)
            setRequest((n) => n + 1)
          }}
        >
          Ask again
        </button>
      </p>
    </Demo>
  )
}

const meta = {
  title: 'Examples/5. Token streaming (POST)',
  component: Completion,
  args: { prompt: 'What are Server-Sent Events?', delay: 40 },
  argTypes: {
    prompt: { control: 'text', description: 'sent in the POST body' },
    delay: { control: { type: 'range', min: 0, max: 300, step: 10 }, description: 'ms between tokens' },
  },
  parameters: { msw: { handlers: [completions] } },
} satisfies Meta<typeof Completion>

export default meta

/** The answer appears word by word; `done` closes the stream. */
export const StreamedAnswer: StoryObj<typeof meta> = {}
