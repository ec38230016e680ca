// @vitest-environment jsdom
// The "Testing a chat UI" example of docs/testing.md, as it is printed there (between the markers): keep them
// in sync (test/readme/readmeSnippets.test.ts checks it).
// docs:begin
import { render, screen } from '@testing-library/react'
import { setupServer } from 'msw/node'
import { useEventStream } from 'typed-sse/react'
import { createMockChat } from 'typed-sse/testing'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'

/** What an OpenAI-compatible endpoint streams: the part of each chunk this UI reads. */
type Events = { message: { choices: { delta: { content?: string } }[] } }

function Answer({ chatId, prompt }: { chatId: string; prompt: string }) {
  const { value, status } = useEventStream<Events, string>('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: chatId, stream: true, messages: [{ role: 'user', content: prompt }] }),
    reduce: (text, event) => text + (event.data.choices[0]?.delta.content ?? ''),
    initial: '',
    // After a cut: this chat's resume endpoint, with the Last-Event-ID the hook adds.
    reconnectRequest: () => ({ url: `/chat/${chatId}/stream`, method: 'GET' }),
  })
  return (
    <p>
      {value}
      {status !== 'closed' && '▍'}
    </p>
  )
}

const answer = 'Server-Sent Events stream the answer token by token, and resume it after a cut.'
const chat = createMockChat({ answer, interval: 5, cutAfter: 4 })
const server = setupServer(...chat.handlers)
beforeAll(() => server.listen())
afterEach(() => chat.reset())
afterAll(() => server.close())

it('completes the answer exactly after its connection is cut', async () => {
  render(<Answer chatId="chat-1" prompt="What are Server-Sent Events?" />)

  // Only the whole answer, without the cursor (so the stream is closed), matches.
  const paragraph = await screen.findByText(answer, {}, { timeout: 3000 })
  expect(paragraph.textContent).toBe(answer)
  expect(chat.requests.map(({ method, path, lastEventId }) => [method, path, lastEventId])).toEqual([
    ['POST', '/v1/chat/completions', null],
    ['GET', '/chat/chat-1/stream', '4'],
  ])
})
// docs:end
