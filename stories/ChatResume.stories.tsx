import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState, useSyncExternalStore } from 'react'
import { useEventStream } from 'typed-sse/react'
import { type ChatCompletionChunk, createMockChat } from 'typed-sse/testing'
import { chatAnswer } from './mocks/chatAnswer'
import { card, Demo, StateView } from './ui'

/**
 * The mock model (`typed-sse/testing`'s `createMockChat`): `POST /v1/chat/completions` streams the answer as
 * OpenAI-compatible chunks, 25 tokens a second, each with an `id:`; `GET /chat/:id/stream` resumes it after
 * `Last-Event-ID`. `chat.cut()` breaks the open connections as a network failure would.
 */
const chat = createMockChat({ answer: chatAnswer, interval: 40 })

type Events = { message: ChatCompletionChunk }

interface Args {
  prompt: string
  /** base of the backoff before the resume, in ms */
  initialDelay: number
}

const newChatId = () => `chat-${Math.random().toString(36).slice(2, 10)}`

function ChatAnswer(args: Args) {
  const [chatId, setChatId] = useState(newChatId)
  // A new chat (or new args) is a new answer, from an empty text.
  return (
    <AnswerView
      key={`${chatId} ${JSON.stringify(args)}`}
      chatId={chatId}
      {...args}
      askAgain={() => setChatId(newChatId())}
    />
  )
}

function AnswerView({ chatId, prompt, initialDelay, askAgain }: Args & { chatId: string; askAgain(): void }) {
  const { value, status, lastEventId, attempt, retryDelay, error } = useEventStream<Events, string>(
    '/v1/chat/completions',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: chatId, stream: true, messages: [{ role: 'user', content: prompt }] }),
      reduce: (text, event) => text + (event.data.choices[0]?.delta.content ?? ''),
      initial: '',
      // After a cut: GET this chat's resume URL (the hook adds Last-Event-ID) instead of POSTing again.
      reconnectRequest: () => ({ url: `/chat/${chatId}/stream`, method: 'GET' }),
      retry: { initialDelay },
    },
  )
  const requests = useSyncExternalStore(chat.subscribe, () => chat.requests).filter(
    (request) => request.chatId === chatId,
  )
  return (
    <Demo
      title="A chat answer that survives a cut"
      about={
        <>
          <code>
            useEventStream&lt;Events, string&gt;('/v1/chat/completions', {'{ method: "POST", body, reduce, '}
            {"initial: '', reconnectRequest })"}
          </code>{' '}
          folds the tokens into <code>value</code>. Cut the connection while it streams: the hook resumes with
          a GET of <code>/chat/:id/stream</code> and <code>Last-Event-ID</code>, and the text completes
          exactly, no token lost and none twice. The server is MSW with <code>createMockChat</code> from{' '}
          <code>typed-sse/testing</code>.
        </>
      }
    >
      <p>
        <button type="button" data-testid="cut" disabled={status === 'closed'} onClick={() => chat.cut()}>
          Cut the connection
        </button>{' '}
        <button type="button" onClick={askAgain}>
          Ask again
        </button>
      </p>
      <StateView
        status={status}
        attempt={attempt}
        retryDelay={retryDelay}
        lastEventId={lastEventId}
        error={error}
      />
      <div style={{ ...card, minHeight: 80, whiteSpace: 'pre-wrap' }} data-testid="answer">
        {value}
        {status !== 'closed' && <span aria-hidden>▍</span>}
      </div>
      <h3 style={{ fontSize: 15 }}>Requests the mock server got</h3>
      <ol data-testid="requests">
        {requests.map((request, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the log only grows
          <li key={i}>
            <code>{request.method}</code> <code>{request.path}</code> · Last-Event-ID:{' '}
            <code>{request.lastEventId ?? '(none)'}</code>
          </li>
        ))}
      </ol>
    </Demo>
  )
}

const meta = {
  title: 'Examples/9. Chat answer that survives a cut',
  component: ChatAnswer,
  args: { prompt: 'How does an answer survive a cut?', initialDelay: 500 },
  argTypes: {
    prompt: { control: 'text', description: 'sent in the POST body' },
    initialDelay: {
      control: { type: 'range', min: 100, max: 3000, step: 100 },
      description: 'base backoff delay before the resume, in ms (`retry.initialDelay`)',
    },
  },
  loaders: [
    async () => {
      chat.reset()
      return {}
    },
  ],
  parameters: { msw: { handlers: chat.handlers } },
} satisfies Meta<typeof ChatAnswer>

export default meta

/** Press "Cut the connection" mid-answer and watch the resume in the request log. */
export const CutAndResume: StoryObj<typeof meta> = {}
