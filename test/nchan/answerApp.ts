/**
 * An LLM answer that outlives the server that started it, on the nchan tier's cluster: a model "worker" that
 * publishes every token of an answer to the Nchan channel `chat-<id>`, and a `node:http` app instance that
 * answers `POST /chat` by picking the chat ID, starting the worker and relaying the channel's own subscriber
 * stream, so that every event the client gets carries an id Nchan assigned and a resume from the channel on
 * any node continues exactly after it.
 */
import { randomUUID } from 'node:crypto'
import { Agent, createServer, request as httpRequest, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The events of an answer: the chat's ID first, then the tokens (`i`: its index, to count losses). */
export type AnswerEvents = { chat: { id: string }; token: { i: number; text: string } }

/** Keep-alive connections for the worker's publishes. */
const agent = new Agent({ keepAlive: true, maxSockets: 4 })

/**
 * `POST /pub/<channel>` with `body` as it is (`[DONE]` must reach the client unquoted), `X-EventSource-Event`
 * unless the type is `message`. Resolves with the message id Nchan assigned.
 */
export function publishRaw(node: string, channel: string, type: string, body: string): Promise<string> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (type !== 'message') headers['x-eventsource-event'] = type
  const attempt = (retried: boolean): Promise<string> =>
    new Promise((resolve, reject) => {
      const outgoing = httpRequest(`${node}/pub/${channel}`, { method: 'POST', headers, agent }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          text += chunk
        })
        res.on('end', () => {
          if (res.statusCode !== 201 && res.statusCode !== 202)
            reject(new Error(`publish to ${node}/pub/${channel}: HTTP ${res.statusCode} ${text}`))
          else resolve((JSON.parse(text) as { last_message_id: string }).last_message_id)
        })
        res.on('error', reject)
      })
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        // A pooled connection the server closed meanwhile (Node's documented keep-alive retry).
        if (outgoing.reusedSocket && error.code === 'ECONNRESET' && !retried) resolve(attempt(true))
        else reject(error)
      })
      outgoing.end(body)
    })
  return attempt(false)
}

/** A gate the worker waits at: the test opens it once it has done its damage. */
export interface Gate {
  readonly opened: Promise<void>
  open(): void
}

export function gate(): Gate {
  let open = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

/** The model: it writes an answer's tokens to the chat's channel, whatever happens to the app instances. */
export interface Worker {
  /** Starts the answer of `chatId` (the app calls it once the chat event is in the channel). */
  start(chatId: string): void
  /** The ids Nchan gave the tokens, in order, as the worker published them. */
  readonly ids: string[]
  /** When each token's publish returned (`performance.now()`). */
  readonly times: number[]
  /** Resolves when `[DONE]` is published; rejects when a publish fails. */
  readonly finished: Promise<void>
}

/**
 * A worker that publishes `tokens` to `node` one by one, `pace` ms apart, each as `event: token` with
 * `{ i, text }`, then the data `[DONE]` (the end marker a finite typed-sse stream stops at). Before token
 * `i` it waits for `holds[i]`, so that a test can fail something at an exact point of the answer.
 */
export function createWorker(
  node: string,
  tokens: readonly string[],
  { pace = 2, holds = {} }: { pace?: number; holds?: Record<number, Gate> } = {},
): Worker {
  const ids: string[] = []
  const times: number[] = []
  let begin: (chatId: string) => void = () => {}
  const chat = new Promise<string>((resolve) => {
    begin = resolve
  })
  const finished = (async () => {
    const channel = `chat-${await chat}`
    for (const [i, text] of tokens.entries()) {
      await holds[i]?.opened
      ids.push(await publishRaw(node, channel, 'token', JSON.stringify({ i, text })))
      times.push(performance.now())
      if (pace > 0) await new Promise((resolve) => setTimeout(resolve, pace))
    }
    await publishRaw(node, channel, 'message', '[DONE]')
  })()
  finished.catch(() => {}) // the test awaits it; an unawaited failure must not crash the run
  return { start: (chatId) => begin(chatId), ids, times, finished }
}

/** One instance of the app. */
export interface AnswerApp {
  url: string
  /** Every `POST /chat` this instance answered. */
  readonly posts: number
  /** Dies: every open response is cut (no clean end) and the server stops listening. */
  kill(): Promise<void>
}

const SSE = { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }

/**
 * An app instance: `POST /chat` picks a chat ID, publishes `event: chat` with it to `chat-<id>` on `node`,
 * starts `worker`, and answers with the chat event (with the id Nchan gave it) followed by the channel's
 * own subscriber stream from that id on, relayed as it comes, until `data: [DONE]`. Its response is chunked,
 * so a client can tell this instance dying (a cut) from the answer's end. The channel's stream ending
 * before `[DONE]` (its node died) cuts the response too.
 */
export async function startAnswerApp(node: string, worker: Worker): Promise<AnswerApp> {
  let posts = 0
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/chat') return void res.writeHead(404).end()
    for await (const _ of req); // the prompt (the worker has its answer already)
    posts++
    const chatId = randomUUID()
    const channel = `chat-${chatId}`
    const chat = JSON.stringify({ id: chatId })
    let firstId: string
    try {
      firstId = await publishRaw(node, channel, 'chat', chat)
    } catch {
      return void res.writeHead(503).end()
    }
    worker.start(chatId)
    res.writeHead(200, SSE)
    res.write(`id: ${firstId}\nevent: chat\ndata: ${chat}\n\n`)
    relay(`${node}/sub/${channel}`, firstId, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get posts() {
      return posts
    },
    kill: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** Relays the subscriber stream of `url` after `lastEventId` to `res`, until the line `data: [DONE]`. */
function relay(url: string, lastEventId: string, res: ServerResponse): void {
  const upstream = httpRequest(url, {
    headers: { accept: 'text/event-stream', 'last-event-id': lastEventId },
    agent: false,
  })
  res.on('close', () => upstream.destroy())
  upstream.on('error', () => res.destroy())
  upstream.on('response', (stream) => {
    if (stream.statusCode !== 200) return void res.destroy()
    stream.setEncoding('utf8')
    let line = ''
    stream.on('data', (chunk: string) => {
      res.write(chunk)
      // Whole lines only: the marker may arrive split over two chunks.
      const lines = (line + chunk).split('\n')
      line = lines.pop() ?? ''
      if (lines.includes('data: [DONE]')) {
        res.end()
        upstream.destroy()
      }
    })
    // Nchan ends its streams by closing the connection: an end before [DONE] is its node dying.
    stream.on('end', () => {
      if (!res.writableEnded) res.destroy()
    })
  })
  upstream.end()
}
