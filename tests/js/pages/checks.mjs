// The manual checks behind the README's front-end notes, against `make run` with
// FRAPPE_CORS_ORIGINS=http://127.0.0.1:5173 (pages served on :5173 with /api/ proxied to :8000):
//   node pages/checks.mjs '{"token": "<key>:<secret>", "owner": {"usr": "user1", "pwd": "..."}}'
// Prints what each check saw as JSON; nothing is asserted (tests/test_realtime_browser.py asserts the main flow).
import { api, launch, log, login, newProfile, open, rows, waitFor, waitForRow } from './browser.mjs'

const config = JSON.parse(process.argv[2])
const API = 'http://127.0.0.1:8000'
const site = '127.0.0.1'
const result = {}
const browser = await launch(API, 5173)
const proxied = browser.origin                        // http://127.0.0.1:5173, /api/ proxied to :8000
const localhost = proxied.replace('127.0.0.1', 'localhost')

/** How a fresh page's socket ends up within ``ms``: the first connect or connect_error, and the transport. */
async function outcome(page, ms = 4000) {
  try {
    await page.waitForFunction(() => window.realtime.log.some((e) => e.kind === 'connect' || e.kind === 'connect_error'),
      null, { timeout: ms, polling: 50 })
  } catch { /* neither: report the log as it is */ }
  await page.waitForTimeout(600)                      // let polling upgrade to WebSocket
  const entries = (await log(page)).filter((e) => e.kind !== 'event')
  return { log: entries.map((e) => `${e.kind} ${JSON.stringify(e.data)}`), transport: await page.evaluate(() => window.realtime.socket.connected ? window.realtime.transport() : null) }
}

async function loggedIn(origin, name, options, base = '', who = { usr: 'Administrator', pwd: 'admin' }) {
  const profile = await newProfile(browser)
  const page = await open(profile, origin, name, options)
  await login(page, who.usr, who.pwd, base).catch((error) => { page.loginError = error.message })
  await page.reload()
  await page.waitForFunction(() => window.realtime)
  return page
}

/** Run one check; a failure is recorded under its label instead of ending the run. */
async function check(label, fn) {
  try { await fn() } catch (error) { result[`${label}:error`] = error.message.split('\n')[0] }
}

try {
  // Token auth: no cookie at all, the SDK's tokenParams (Authorization header on long-polling).
  await check('token', async () => {
    const page = await open(await newProfile(browser), proxied, 'react', { site, token: config.token })
    result.token = await outcome(page)
    await page.waitForSelector('#todos', { state: 'attached' })
    result.token.rows = Object.keys(await rows(page)).length
    const created = await api(page, 'POST', '/api/resource/ToDo', { description: 'token check' })
    result.token.created_status = created.status   // the page's fetch carries no token: cookie-less → refused
  })

  // socketPort: the SDK's rule for a page on a port, and for the url prop.
  for (const [label, options] of Object.entries({
    default_9000: {}, socketPort_8000: { socketPort: '8000' }, socketPort_8001_nothing: { socketPort: '8001' },
    url_without_socketPort: { url: API }, url_with_socketPort_8000: { url: API, socketPort: '8000' },
  })) {
    const page = await loggedIn(proxied, 'react', { site, ...options }, options.url || '')
    result[`socketPort:${label}`] = await outcome(page)
    await page.context().close()
  }

  // Origins: the page's host name against the API's and the socket's.
  for (const [label, origin, options] of [
    ['page localhost, same-origin /api, socket localhost:9000', localhost, {}],
    ['page localhost, url 127.0.0.1:8000 (cross-site)', localhost, { url: API, socketPort: '9000' }],
    ['page 127.0.0.1:5173, url 127.0.0.1:8000 (CORS origin listed)', proxied, { url: API, socketPort: '9000' }],
    ['page 127.0.0.1:5173, url localhost:8000 (cross-site)', proxied, { url: 'http://localhost:8000', socketPort: '9000' }],
  ]) {
    const page = await loggedIn(origin, 'react', { site, ...options }, options.url || '')
    const seen = await outcome(page)
    seen.login_error = page.loginError ?? null
    seen.list = await page.evaluate(() => document.querySelector('#todos')?.dataset.count
      ?? document.querySelector('#list-error')?.textContent ?? document.querySelector('#list-loading')?.textContent)
    result[`origin:${label}`] = seen
    await page.context().close()
  }

  // doc_viewers: the Administrator and the if_owner user open the user's own ToDo.
  await check('doc_viewers', async () => {
    const owner = await loggedIn(proxied, 'react', { site }, '', config.owner)
    const own = await api(owner, 'POST', '/api/resource/ToDo', { description: 'viewers check' })
    const name = own.body.data.name
    const first = await loggedIn(proxied, 'react', { site, doc: name })
    await waitFor(first, 'connect')
    const second = await loggedIn(proxied, 'react', { site, doc: name }, '', config.owner)
    await waitFor(second, 'connect')
    const viewers = await waitFor(first, 'event', { event: 'doc_viewers' })
    result.doc_viewers = { first_page_got: viewers.data.payload }
    await first.waitForTimeout(300)
    result.doc_viewers.shown_on_first = await first.textContent('#viewers')
    result.doc_viewers.shown_on_second = await second.textContent('#viewers')
    await second.close()                                // doc_close on unmount? a page close is a disconnect
    await first.waitForTimeout(800)
    result.doc_viewers.after_second_closed = (await log(first)).filter((e) => e.data.event === 'doc_viewers').map((e) => e.data.payload.users)
    await api(owner, 'DELETE', `/api/resource/ToDo/${name}`)
  })

  // frappe-ui's realtime list, same origin (the FrappeUI plugin's socket: page on a port → http://host:9000/<site_name>).
  await check('frappe_ui', async () => {
    const page = await loggedIn(proxied, 'frappe-ui', { site })
    result.frappe_ui = await outcome(page)
    await page.waitForSelector('#todos li')
    const before = await rows(page)
    const [first] = Object.keys(before)
    const created = await api(page, 'POST', '/api/resource/ToDo', { description: 'frappe-ui created' })
    const createdName = created.body.data.name
    result.frappe_ui.create_event = (await waitFor(page, 'event', { event: 'list_update', name: createdName })).data
    await page.waitForTimeout(800)
    result.frappe_ui.create_shows_row = createdName in await rows(page)
    const updated = await api(page, 'PUT', `/api/resource/ToDo/${first}`, { description: 'frappe-ui updated' })
    await waitFor(page, 'event', { event: 'list_update', name: first })
    await page.waitForFunction((name) => document.querySelector(`#todos li[data-name="${name}"]`)?.textContent === 'frappe-ui updated', first)
      .then(() => { result.frappe_ui.update_shows = true }, () => { result.frappe_ui.update_shows = false })
    result.frappe_ui.update_modified_matches = (await rows(page))[first]?.[1] === updated.body.data.modified
    await api(page, 'DELETE', `/api/resource/ToDo/${createdName}`)
    const victim = Object.keys(before)[1]
    await api(page, 'DELETE', `/api/resource/ToDo/${victim}`)
    await waitFor(page, 'event', { event: 'list_update', name: victim })
    await waitForRow(page, victim, false, 2000)
      .then(() => { result.frappe_ui.delete_removes_row = true }, () => { result.frappe_ui.delete_removes_row = false })
  })
} finally {
  await browser.close()
}
console.log(JSON.stringify(result, null, 2))
