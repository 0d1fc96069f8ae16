// Debian's Chromium through playwright-core, and helpers for the built pages (served by serve.mjs at
// <origin>/__pages/<name>.html).
import { chromium } from 'playwright-core'
import { buildPages } from './build.mjs'
import { serve } from './serve.mjs'

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** Build the pages, serve them with a proxy to ``target`` on ``port`` (0: any), and start Chromium. */
export async function launch(target, port = 0) {
  const server = await serve(await buildPages(), target, port)
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
  browser.origin = `http://127.0.0.1:${server.address().port}`
  browser.on('disconnected', () => server.close())
  return browser
}

/** A new browser profile (own cookies). */
export const newProfile = (browser) => browser.newContext()

/** Open ``name`` ('react' or 'frappe-ui') on ``origin`` with the query options. */
export async function open(context, origin, name, options = {}) {
  const page = await context.newPage()
  page.setDefaultTimeout(5000)
  page.on('pageerror', (error) => console.error(`[${name}] ${error.message}`))
  const query = new URLSearchParams(Object.entries(options).filter(([, v]) => v !== undefined && v !== null))
  await page.goto(`${origin}/__pages/${name}.html?${query}`)
  await page.waitForFunction(() => window.realtime)
  return page
}

/** A request from the page with its cookies (``base`` is the API's origin, '' for the page's own). */
export function api(page, method, path, body, base = '') {
  return page.evaluate(async ({ method, path, body, base }) => {
    const response = await fetch(base + path, {
      method, credentials: 'include',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    let json = null
    try { json = JSON.parse(text) } catch { /* not JSON */ }
    return { status: response.status, body: json ?? text }
  }, { method, path, body, base })
}

/** Log in with Frappe's login call from the page (cookie session). */
export async function login(page, usr, pwd, base = '') {
  const answer = await api(page, 'POST', '/api/method/login', { usr, pwd }, base)
  if (answer.status !== 200) throw new Error(`login ${usr}: ${answer.status} ${JSON.stringify(answer.body)}`)
  return answer
}

/** The page's realtime log (connect, connect_error, disconnect, event entries). */
export const log = (page) => page.evaluate(() => window.realtime.log)

/** Wait until the log has an entry matching ``kind`` and, for events, ``event``/``name``; returns it. */
export async function waitFor(page, kind, { event, name, since = 0, timeout = 5000 } = {}) {
  const handle = await page.waitForFunction(({ kind, event, name, since }) => window.realtime.log.slice(since).find(
    (e) => e.kind === kind && (!event || e.data.event === event) && (!name || e.data.payload?.name === name)),
  { kind, event, name, since }, { timeout, polling: 50 })
  return handle.jsonValue()
}

/** Wait for the socket to run on WebSocket (socket.io-client starts on long-polling and upgrades). */
export async function waitForWebSocket(page, timeout = 5000) {
  await page.waitForFunction(() => window.realtime.socket.connected && window.realtime.transport() === 'websocket',
    null, { timeout, polling: 50 })
  return 'websocket'
}

/** The rows the page's list shows: name -> [description, modified]. */
export const rows = (page) => page.$$eval('#todos li', (items) => Object.fromEntries(
  items.map((li) => [li.dataset.name, [li.textContent, li.dataset.modified]])))

/** Wait until the list shows (``present``) or no longer shows a row. */
export function waitForRow(page, name, present = true, timeout = 5000) {
  return page.waitForFunction(({ name, present }) => !!document.querySelector(`#todos li[data-name="${name}"]`) === present,
    { name, present }, { timeout, polling: 50 })
}
