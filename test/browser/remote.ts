// Browser side: URLs of the real SSE server (one session per test keeps the servers' logs apart).
import { inject } from 'vitest'
import type { LoggedRequest } from './sseServer'

/** A fresh session on the SSE server: its URLs and the requests it received. */
export function newSession() {
  const origin = inject('sseOrigin')
  const session = crypto.randomUUID()
  const log = async (): Promise<LoggedRequest[]> => (await fetch(`${origin}/log?session=${session}`)).json()
  return {
    url(path: '/stream' | '/bytes', query: Record<string, number> = {}): string {
      const params = new URLSearchParams({ session })
      for (const [key, value] of Object.entries(query)) params.set(key, String(value))
      return `${origin}${path}?${params}`
    },
    /** The requests of this session, CORS preflights left out. */
    async requests(): Promise<LoggedRequest[]> {
      return (await log()).filter((request) => request.method !== 'OPTIONS')
    },
    /** The CORS preflights (`OPTIONS`) of this session. */
    async preflights(): Promise<LoggedRequest[]> {
      return (await log()).filter((request) => request.method === 'OPTIONS')
    },
  }
}
