/**
 * A small failover HTTP proxy for event streams, on 127.0.0.1 with a random port: every request goes to the
 * first target that accepts the connection (A, then B when A refuses), and the answer streams through
 * unbuffered. When the target dies mid-stream the client's connection is cut too, so that the client
 * reconnects, and its next request (with `Last-Event-ID`) lands on a target that is still alive.
 *
 * Only for bodyless requests (GET, OPTIONS): retrying one on the next target is safe. This is what a load
 * balancer in front of Nchan nodes does (nginx: `proxy_next_upstream error`, `proxy_buffering off`).
 */
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ProxiedRequest {
  /** The target that answered; '' when none did (502). */
  target: string
  lastEventId: string
  /** `performance.now()` when the request arrived. */
  time: number
}

export interface FailoverProxy {
  url: string
  /** Every request that arrived, in order. */
  requests: ProxiedRequest[]
  close(): Promise<void>
}

export async function startFailoverProxy(targets: readonly string[]): Promise<FailoverProxy> {
  const requests: ProxiedRequest[] = []
  const server = createServer((req, res) => {
    const record: ProxiedRequest = {
      target: '',
      lastEventId: String(req.headers['last-event-id'] ?? ''),
      time: performance.now(),
    }
    requests.push(record)
    const forward = (index: number): void => {
      const target = targets[index]
      if (target === undefined || res.destroyed) {
        if (!res.destroyed) res.writeHead(502).end()
        return
      }
      const url = new URL(target)
      let answered = false
      const upstream = httpRequest({
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: url.host },
        agent: false,
      })
      upstream.on('response', (answer) => {
        answered = true
        record.target = target
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        res.flushHeaders()
        answer.pipe(res)
        // The target died mid-stream: cut the client too (a clean end would look like the server ended it).
        answer.on('close', () => {
          if (!answer.complete) res.destroy()
        })
      })
      upstream.on('error', () => {
        if (answered) res.destroy()
        else forward(index + 1) // refused or reset before answering: the next target
      })
      res.on('close', () => upstream.destroy())
      upstream.end()
    }
    forward(0)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
