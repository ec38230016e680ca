import type { Server } from 'node:http'

/** Creates the demo SSE server (not yet listening). */
export function createDemoServer(options?: { interval?: number; tokenInterval?: number }): Server

/** The demo chat's answer (the canned text of `POST /v1/chat/completions`). */
export const chatAnswer: string
