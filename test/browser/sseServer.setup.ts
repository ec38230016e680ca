// vitest globalSetup of the `browser` project: the real SSE server, its origin handed to the tests.
import type { TestProject } from 'vitest/node'
import { startSseServer } from './sseServer'

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the browser tests' SSE server. */
    sseOrigin: string
  }
}

export default async function setup(project: TestProject) {
  const server = await startSseServer()
  project.provide('sseOrigin', server.origin)
  return () => server.stop()
}
