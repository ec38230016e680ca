// The demo server's chat and its window on the wire (used by demo/server.js):
// - `POST /v1/chat/completions`: an OpenAI-compatible streaming answer (`chat.completion.chunk` deltas, then
//   `data: [DONE]`), a canned text at a model's pace (~30 tokens/s), no model. Each chunk has `id: n` (0: the
//   role chunk, 1…n: the tokens, then the `finish_reason: 'stop'` chunk). The answer goes on being generated
//   when its connection breaks, as a resumable chat server's does.
// - `GET /chat/:id/stream` with `Last-Event-ID: n`: the chunks of that chat after `n`, then the rest live.
// - `POST /cut?stream=…` (`/stream`, `/events` or `chat:<id>`): the server destroys those responses, as a
//   network failure would (a chat's after half of its next event), for the page's "Cut the connection" buttons.
// - `GET /requests`: the request log, as SSE (`event: request`, `id: n`): method, path and `Last-Event-ID` of
//   every stream request the server got, so the page shows each resume.

/** The chat's answer, whatever the question. */
export const chatAnswer =
  'Server-Sent Events are a plain HTTP response that never quite ends: the server writes one event after ' +
  'another, each a few lines of text, and the browser reads them as they arrive. That is how this answer ' +
  'reaches you, token by token, from an OpenAI-compatible endpoint. Every chunk carries an id, so when the ' +
  'connection breaks the client knows exactly where it stopped. It asks the server to go on from there with ' +
  'a GET and the Last-Event-ID header, and the server sends the rest of the answer: nothing is lost, and ' +
  'nothing comes twice. Press "Cut the connection" while I am still typing and watch the request log: the ' +
  'POST that started this answer, then the GET that resumed it.'

/** Streams whose requests the log shows and whose responses "Cut the connection" may destroy. */
const feeds = new Set(['/stream', '/events', '/shared'])
const MAX_LOG = 200
const MAX_CHATS = 50
const KEEP_CHAT_MS = 5 * 60_000

/**
 * @param {{ tokenInterval: number, openStream: (response: import('node:http').ServerResponse) => void }} options
 */
export function createChatServer({ tokenInterval, openStream }) {
  const log = createLog()
  /** Open responses by stream key (`/stream`, `/events`, `chat:<id>`): each entry cuts its response. */
  const open = new Map()
  /** Chats by id, oldest first. */
  const chats = new Map()
  let chatCount = 0

  // `response`'s close, not the request's: that of a POST comes as soon as its body is read.
  function track(key, response, cut) {
    const set = open.get(key) ?? new Set()
    open.set(key, set)
    set.add(cut)
    response.on('close', () => {
      set.delete(cut)
      if (set.size === 0 && open.get(key) === set) open.delete(key)
    })
  }

  function record(request, url) {
    log.add({
      method: request.method ?? 'GET',
      path: url.pathname + url.search,
      lastEventId: String(request.headers['last-event-id'] ?? ''),
    })
  }

  function startChat(id) {
    const tokens = chatAnswer.match(/\s*\S+|\s+/g) ?? []
    const created = Math.floor(Date.now() / 1000)
    const chunk = (n, delta, finish = null) =>
      `id: ${n}\ndata: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: 'typed-sse-demo',
        choices: [{ index: 0, delta, finish_reason: finish }],
      })}\n\n`
    const chat = {
      id,
      events: [
        chunk(0, { role: 'assistant', content: '' }),
        ...tokens.map((content, i) => chunk(i + 1, { content })),
        chunk(tokens.length + 1, {}, 'stop'),
        'data: [DONE]\n\n',
      ],
      generated: 0,
      listeners: new Set(),
    }
    chats.delete(id)
    chats.set(id, chat)
    for (const old of chats.keys()) {
      if (chats.size <= MAX_CHATS) break
      chats.delete(old)
    }
    const generate = () => {
      chat.generated++
      // The finish chunk and [DONE] together, one interval after the last token.
      if (chat.generated === tokens.length + 2) chat.generated++
      for (const listener of [...chat.listeners]) listener()
      if (chat.generated < chat.events.length) setTimeout(generate, tokenInterval)
      else setTimeout(() => chats.get(id) === chat && chats.delete(id), KEEP_CHAT_MS).unref()
    }
    generate()
    return chat
  }

  /** Streams `chat` after the event `lastEventId` (from its start without one), then live until [DONE]. */
  function follow(chat, lastEventId, response) {
    openStream(response)
    const after = /^\d+$/.test(lastEventId) ? Number(lastEventId) : -1
    let next = Math.min(after + 1, chat.events.length - 1)
    const send = () => {
      while (next < chat.generated) response.write(chat.events[next++])
      if (next === chat.events.length) {
        chat.listeners.delete(send)
        response.end()
      }
    }
    chat.listeners.add(send)
    response.on('close', () => chat.listeners.delete(send))
    track(`chat:${chat.id}`, response, () => {
      chat.listeners.delete(send)
      // Half of the next event, then the connection breaks: the client must not dispatch it.
      const half = (chat.events[next] ?? '').slice(0, 40).replace(/\n+$/, '')
      response.write(half, () => response.destroy())
    })
    send()
  }

  async function completions(request, response, url) {
    let body
    try {
      body = JSON.parse(await readBody(request))
    } catch {}
    const given = body?.id
    const id = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : `chatcmpl-${++chatCount}`
    record(request, url)
    const lastEventId = String(request.headers['last-event-id'] ?? '')
    // The same POST with Last-Event-ID resumes the answer it names, as the GET does.
    const chat = (lastEventId && chats.get(id)) || startChat(id)
    follow(chat, lastEventId, response)
  }

  return {
    /** Handles the request when it is the chat's, the log's or a cut (true), logs and tracks the feeds' (false). */
    handle(request, response, url) {
      const { pathname } = url
      if (feeds.has(pathname)) {
        record(request, url)
        track(pathname, response, () => response.destroy())
        return false
      }
      if (pathname === '/v1/chat/completions') {
        if (request.method !== 'POST') sendJson(response, 405, { error: 'POST a chat completion request' })
        else
          completions(request, response, url).catch(() => {
            if (!response.headersSent) sendJson(response, 400, { error: 'bad request' })
          })
        return true
      }
      const resume = pathname.match(/^\/chat\/([\w-]{1,64})\/stream$/)
      if (resume) {
        record(request, url)
        const chat = chats.get(resume[1])
        if (!chat) sendJson(response, 404, { error: `no chat ${resume[1]}` })
        else follow(chat, String(request.headers['last-event-id'] ?? ''), response)
        return true
      }
      if (pathname === '/cut' && request.method === 'POST') {
        const cuts = [...(open.get(url.searchParams.get('stream') ?? '') ?? [])]
        for (const cut of cuts) cut()
        sendJson(response, 200, { cut: cuts.length })
        return true
      }
      if (pathname === '/requests') {
        log.stream(request, response, openStream)
        return true
      }
      return false
    },
  }
}

/** The request log: the last entries, numbered from 1, and the streams that follow it. */
function createLog() {
  const entries = []
  const listeners = new Set()
  let count = 0
  const format = (entry) => `event: request\nid: ${entry.n}\ndata: ${JSON.stringify(entry)}\n\n`
  return {
    add(entry) {
      const numbered = { n: ++count, ...entry }
      entries.push(numbered)
      if (entries.length > MAX_LOG) entries.shift()
      for (const listener of listeners) listener(format(numbered))
    },
    /** The last 20 entries (or those after `Last-Event-ID`), then each new one. */
    stream(request, response, openStream) {
      openStream(response)
      const after = Number.parseInt(request.headers['last-event-id'] ?? '', 10)
      const backlog = Number.isNaN(after) ? entries.slice(-20) : entries.filter((entry) => entry.n > after)
      response.write(backlog.map(format).join('') || ': no requests yet\n\n')
      const write = (text) => response.write(text)
      listeners.add(write)
      response.on('close', () => listeners.delete(write))
    },
  }
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk) => {
      body += chunk
      if (body.length > 64 * 1024) request.destroy(new Error('body too large'))
    })
    request.on('end', () => resolve(body))
    request.on('error', reject)
  })
}

function sendJson(response, status, value) {
  response.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'access-control-allow-origin': '*',
  })
  response.end(JSON.stringify(value))
}
