// A dev server in miniature (what Vite's server.proxy does for a frappe-ui or React app): the built pages at
// /__pages/*, every other request, WebSocket upgrades included, passed on to ``target`` (the API server), so a
// page and /api/ share an origin. Chromium refuses a WebSocket from a page that Playwright answered itself
// (ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS): the pages come from a real loopback server.
import http from 'node:http'
import net from 'node:net'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' }

/** Serve ``dir`` at /__pages/ and proxy the rest to ``target``; resolves to the listening server. */
export function serve(dir, target, port = 0, host = '127.0.0.1') {
  const upstream = new URL(target)
  const server = http.createServer((request, response) => {
    if (request.url.startsWith('/__pages/')) {
      const file = new URL(request.url, 'http://x').pathname.slice('/__pages/'.length)
      try {
        const body = readFileSync(join(dir, file.replace(/[^\w.-]/g, '')))
        response.writeHead(200, { 'Content-Type': TYPES[file.slice(file.lastIndexOf('.'))] || 'application/octet-stream' })
        response.end(body)
      } catch {
        response.writeHead(404).end()
      }
      return
    }
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: request.method,
      path: request.url, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode, answer.headers)
      answer.pipe(response)
    })
    forward.on('error', () => response.writeHead(502).end())
    request.pipe(forward)
  })
  server.on('upgrade', (request, socket, head) => {
    const forward = net.connect(upstream.port, upstream.hostname, () => {
      const headers = Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')
      forward.write(`${request.method} ${request.url} HTTP/1.1\r\n${headers}\r\n\r\n`)
      forward.write(head)
      forward.pipe(socket)
      socket.pipe(forward)
    })
    forward.on('error', () => socket.destroy())
    socket.on('error', () => forward.destroy())
  })
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)))
}
