import { createServer, type ServerResponse } from 'node:http'

/** An answer: its tokens so far, whether it is complete, and the responses waiting for its next token. */
type Answer = { tokens: string[]; done: boolean; waiting: Set<() => void> }

const SSE = { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }

/**
 * `POST /chat` with `{ prompt }` starts an answer from `generate` and streams it: first `event: chat` with
 * the chat's ID, then one `event: token` per token with `id: n`. `GET /chat/:id/stream` streams the same
 * answer after the request's `Last-Event-ID`, then the live tokens. The answer goes on when a client drops.
 * (The answers live in this process's memory: with several instances, keep them in Redis or an Nchan channel.)
 */
export function createChatServer(generate: (prompt: string) => AsyncIterable<string>) {
  const answers = new Map<string, Answer>()
  let chats = 0

  function start(prompt: string): string {
    const id = String(++chats)
    const answer: Answer = { tokens: [], done: false, waiting: new Set() }
    answers.set(id, answer)
    const wake = () => {
      for (const resolve of answer.waiting) resolve()
      answer.waiting.clear()
    }
    void (async () => {
      try {
        for await (const token of generate(prompt)) {
          answer.tokens.push(token)
          wake()
        }
      } finally {
        answer.done = true
        wake()
      }
    })().catch((error) => console.error('generation failed', error))
    return id
  }

  async function send(res: ServerResponse, answer: Answer, after: number): Promise<void> {
    for (let sent = after; !res.destroyed; ) {
      for (; sent < answer.tokens.length; sent++) {
        res.write(`id: ${sent + 1}\nevent: token\ndata: ${JSON.stringify({ text: answer.tokens[sent] })}\n\n`)
      }
      if (answer.done) return void res.end()
      await new Promise<void>((resolve) => answer.waiting.add(resolve))
    }
  }

  return createServer(async (req, res) => {
    if (req.method === 'POST' && req.url === '/chat') {
      let body = ''
      for await (const chunk of req.setEncoding('utf8')) body += chunk
      let prompt: string
      try {
        prompt = String(JSON.parse(body).prompt)
      } catch {
        return void res.writeHead(400).end()
      }
      const id = start(prompt)
      res.writeHead(200, SSE).write(`event: chat\ndata: ${JSON.stringify({ id })}\n\n`)
      return send(res, answers.get(id) as Answer, 0)
    }
    const [, id = ''] = /^\/chat\/(\w+)\/stream$/.exec(req.url ?? '') ?? []
    const answer = req.method === 'GET' ? answers.get(id) : undefined
    if (!answer) return void res.writeHead(404).end()
    res.writeHead(200, SSE)
    return send(res, answer, Number.parseInt(String(req.headers['last-event-id']), 10) || 0)
  })
}
