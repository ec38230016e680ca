import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A test server listening on 127.0.0.1. */
export interface LoopbackServer {
  origin: string
  /** Closes every connection and the server. */
  stop(): Promise<void>
}

/** Starts `server` on 127.0.0.1 with a random port. */
export async function listenOnLoopback(server: Server): Promise<LoopbackServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
