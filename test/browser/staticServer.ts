// A static file server on 127.0.0.1 with a random port, for the built Storybook.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join, normalize } from 'node:path'
import { type LoopbackServer, listenOnLoopback } from './listenOnLoopback'

const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

export function serveFolder(folder: string): Promise<LoopbackServer> {
  const server = createServer(async (request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1')
    const path = normalize(decodeURIComponent(pathname)).replace(/^([/\\]|\.\.)+/, '')
    try {
      const body = await readFile(join(folder, path === '' ? 'index.html' : path))
      response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' })
      response.end(body)
    } catch {
      // Chromium asks for /favicon.ico on its own: answer it without a console error.
      response.writeHead(pathname === '/favicon.ico' ? 204 : 404).end()
    }
  })
  return listenOnLoopback(server)
}
