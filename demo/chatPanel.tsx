// The chat panel and the request log (rendered by demo/react.tsx): an answer streamed token by token from the
// demo server's OpenAI-compatible endpoint with `useEventStream(…, { method: 'POST', reduce, reconnectRequest })`,
// a button that has the server cut its connection, and the log of the requests the server got, where the
// resume shows as a GET with `Last-Event-ID`.
import { type FormEvent, useState } from 'react'
import { useEventStream } from 'typed-sse/react'

/** What an OpenAI-compatible endpoint streams: the part of each `chat.completion.chunk` this panel reads. */
type ChatEvents = { message: { choices: { delta: { content?: string } }[] } }

/** One entry of the server's request log (`/requests`). */
type LogEvents = { request: { n: number; method: string; path: string; lastEventId: string } }

/** Asks the demo server to destroy the open responses of a stream (`/stream`, `/events`, `chat:<id>`). */
export function cut(stream: string): void {
  void fetch(`/cut?stream=${encodeURIComponent(stream)}`, { method: 'POST' })
}

const newChatId = () => `chat-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`

export function ChatPanel() {
  const [prompt, setPrompt] = useState('What are Server-Sent Events?')
  const [question, setQuestion] = useState<{ chatId: string; prompt: string }>()
  const ask = (event: FormEvent) => {
    event.preventDefault()
    setQuestion({ chatId: newChatId(), prompt })
  }
  return (
    <section id="chat">
      <h2>
        Chat:{' '}
        <code>useEventStream&lt;ChatEvents, string&gt;('/v1/chat/completions', {'{ method: "POST" }'})</code>
      </h2>
      <p>
        An OpenAI-compatible answer, one <code>chat.completion.chunk</code> per token (~30 tokens/s, each with
        an <code>id:</code>), folded into one string by <code>reduce</code>. Cut the connection while it
        streams: the hook resumes with <code>reconnectRequest</code>, a GET of <code>/chat/:id/stream</code>{' '}
        with <code>Last-Event-ID</code>, and the text completes exactly.
      </p>
      <form onSubmit={ask}>
        <input
          aria-label="Question"
          value={prompt}
          onChange={(event) => setPrompt(event.target.value)}
          size={40}
        />{' '}
        <button type="submit">Ask</button>
      </form>
      {question && <Answer key={question.chatId} {...question} />}
    </section>
  )
}

function Answer({ chatId, prompt }: { chatId: string; prompt: string }) {
  const { value, status, lastEventId, error } = useEventStream<ChatEvents, string>('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: chatId,
      model: 'demo',
      stream: true,
      messages: [{ role: 'user', content: prompt }],
    }),
    reduce: (text, event) => text + (event.data.choices[0]?.delta.content ?? ''),
    initial: '',
    // After a cut: this chat's resume endpoint (the hook adds Last-Event-ID), not the POST again.
    reconnectRequest: () => ({ url: `/chat/${chatId}/stream`, method: 'GET' }),
    retry: { initialDelay: 300, maxDelay: 3000 },
  })
  return (
    <>
      <p>
        Status: <strong data-testid="chat-status">{error ? `${status} (${error.message})` : status}</strong> ·
        Last-Event-ID: <code data-testid="chat-last-id">{lastEventId || '–'}</code> ·{' '}
        <button type="button" disabled={status === 'closed'} onClick={() => cut(`chat:${chatId}`)}>
          Cut the connection
        </button>
      </p>
      <p className="answer" data-testid="chat-answer">
        {value}
        {status !== 'closed' && <span aria-hidden>▍</span>}
      </p>
    </>
  )
}

export function RequestLog() {
  const { events } = useEventStream<LogEvents>('/requests', { history: 30 })
  return (
    <section id="requests">
      <h2>Requests the server got</h2>
      <p>
        Method, path and <code>Last-Event-ID</code> of each stream request, oldest first (from{' '}
        <code>/requests</code>, itself a stream): a resume shows its <code>Last-Event-ID</code>.
      </p>
      <ol data-testid="request-log">
        {events.map(({ data }) => (
          <li key={data.n}>
            <code>{data.method}</code> <code>{data.path}</code> · Last-Event-ID:{' '}
            <code>{data.lastEventId || '–'}</code>
          </li>
        ))}
      </ol>
    </section>
  )
}
