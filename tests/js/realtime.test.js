// socket.io-client 4.7.1 (the version frappe-react-sdk bundles) against the demo served as `make run` serves it,
// connecting the way FrappeProvider does: `${url with socketPort}/${siteName}`, withCredentials, and the
// Authorization header in token mode.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { io } from 'socket.io-client'

import { startDemo } from './server.js'

const SITE_NAME = '127.0.0.1'
let demo
let sid

/** FrappeProvider's socket URL: `url` with its port replaced by `socketPort`, then `/<siteName>`. */
function providerUrl(url, socketPort, siteName) {
  const parsed = new URL(url)
  parsed.port = socketPort
  return `${parsed.origin}/${siteName}`
}

function connect(extraHeaders, siteName = SITE_NAME) {
  const port = new URL(demo.base).port
  return io(providerUrl(demo.base, port, siteName), { withCredentials: true, extraHeaders, reconnection: false })
}

function connected(socket) {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', reject)
  })
}

function refused(socket) {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected')))
    socket.once('connect_error', (error) => { socket.close(); resolve(error.message) })
  })
}

/** Wait until the server has handled what the socket sent so far (it handles a socket's events in order). */
async function sync(socket) {
  const pong = next(socket, 'pong')
  socket.emit('ping')
  await pong
}

function next(socket, event) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event}`)), 5000)
    socket.once(event, (payload) => { clearTimeout(timer); resolve(payload) })
  })
}

async function api(method, path, body, headers = { Cookie: sid }) {
  const response = await fetch(`${demo.base}${path}`, {
    method, headers: { 'Content-Type': 'application/json', ...headers }, body: body && JSON.stringify(body) })
  assert.equal(response.status, 200, await response.clone().text())
  return response.json()
}

describe('realtime, as FrappeProvider connects', () => {
  before(async () => {
    demo = await startDemo({ asgi: true })
    const login = await fetch(`${demo.base}/api/method/login`, { method: 'POST',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ usr: 'Administrator', pwd: 'admin' }) })
    assert.equal(login.status, 200)
    sid = login.headers.getSetCookie().find((cookie) => cookie.startsWith('sid=')).split(';')[0]
  })
  after(async () => { await demo?.stop() })

  test('cookie: doc_update and list_update after a save, modified as the API answers it', async () => {
    const socket = await connected(connect({ Cookie: sid }))
    try {
      socket.emit('doctype_subscribe', 'ToDo')
      await sync(socket)
      const listUpdate = next(socket, 'list_update')
      const created = (await api('POST', '/api/resource/ToDo', { description: 'from node' })).data
      assert.deepEqual(await listUpdate, { doctype: 'ToDo', name: created.name, user: 'Administrator' })
      socket.emit('doc_subscribe', 'ToDo', created.name)
      await sync(socket)
      const docUpdate = next(socket, 'doc_update')
      const saved = (await api('PUT', `/api/resource/ToDo/${created.name}`, { description: 'changed' })).data
      assert.deepEqual(await docUpdate, { doctype: 'ToDo', name: created.name, modified: saved.modified })
    } finally {
      socket.close()
    }
  })

  test('token: the Authorization header authenticates the socket', async () => {
    const keys = (await api('POST', '/api/method/frappe.core.doctype.user.user.generate_keys',
      { user: 'Administrator' })).message
    const socket = await connected(connect({ Authorization: `token ${keys.api_key}:${keys.api_secret}` }))
    await sync(socket)
    socket.close()
  })

  test('refused: no credentials, a foreign origin (the handshake answers 400), another namespace', async () => {
    assert.equal(await refused(connect({})), 'Missing cookie and authorization header, cannot authenticate')
    assert.match(await refused(connect({ Cookie: sid, Origin: 'https://evil.example.org' })), /xhr poll error/)
    await refused(connect({ Cookie: sid }, 'other.site'))
  })
})
