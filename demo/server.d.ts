import type { Server } from 'node:http'

/** Creates the demo SSE server (not yet listening). */
export function createDemoServer(options?: { interval?: number }): Server
