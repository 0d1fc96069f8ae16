// The main realtime flow in a real browser, as tests/test_realtime_browser.py asserts it and as a manual check
// against `make run`:
//   node pages/flow.mjs '{"target": "http://127.0.0.1:8000", "site": "127.0.0.1", "socketPort": "9000",
//                         "manager": {"usr": "Administrator", "pwd": "admin"}, "owner": {"usr": "jane", "pwd": "..."}}'
// The pages are served with /api/ proxied to ``target`` (serve.mjs); the SDK's socket goes to ``socketPort`` on
// the page's host. The manager may read every ToDo; the owner only their own (if_owner). Prints what the pages
// saw as JSON.
import { api, launch, log, login, newProfile, open, rows, waitFor, waitForRow, waitForWebSocket } from './browser.mjs'

const config = JSON.parse(process.argv[2])
const { site, socketPort } = config
const result = {}
const browser = await launch(config.target)
const origin = browser.origin
try {
  // Before login: the socket is refused (no cookie), and socket.io-client does not retry such a refusal.
  const manager = await newProfile(browser)
  const list = await open(manager, origin, 'react', { site, socketPort })
  result.before_login = (await waitFor(list, 'connect_error')).data.message

  // Cookie login from the page, then the page reconnects its socket.
  await login(list, config.manager.usr, config.manager.pwd)
  list.evaluate(() => window.realtime.reconnect())
  result.after_login = (await waitFor(list, 'connect')).data
  await list.reload()
  await list.waitForSelector('#todos', { state: 'attached' })
  result.transport = await waitForWebSocket(list)

  const owner = await newProfile(browser)
  const ownerList = await open(owner, origin, 'react', { site, socketPort })
  await login(ownerList, config.owner.usr, config.owner.pwd)
  await ownerList.reload()
  await ownerList.waitForSelector('#todos', { state: 'attached' })
  await waitForWebSocket(ownerList)
  result.owner_rows_before = Object.keys(await rows(ownerList)).length

  // Create: list_update to the manager's list, and the row appears.
  const created = await api(list, 'POST', '/api/resource/ToDo', { description: 'browser created' })
  const name = created.body.data.name
  result.created = { status: created.status, name }
  result.create_event = (await waitFor(list, 'event', { event: 'list_update', name })).data
  await waitForRow(list, name)
  result.row_after_create = (await rows(list))[name]

  // Update: a second page watches the document (doc_subscribe + doc_open); doc_update's modified is the PUT's.
  const doc = await open(manager, origin, 'react', { site, socketPort, doc: name })
  await waitForWebSocket(doc)
  const mark = (await log(doc)).length
  const updated = await api(list, 'PUT', `/api/resource/ToDo/${name}`, { description: 'browser updated' })
  result.updated = { status: updated.status, modified: updated.body.data.modified }
  result.update_doc_event = (await waitFor(doc, 'event', { event: 'doc_update', name, since: mark })).data
  result.update_list_events = (await log(list)).filter((e) => e.data.event === 'list_update' && e.data.payload.name === name).length
  await list.waitForFunction((name) => document.querySelector(`#todos li[data-name="${name}"]`)?.textContent === 'browser updated', name)
  result.row_after_update = (await rows(list))[name]

  // Delete: doc_update and list_update, and the row leaves the list.
  const markDoc = (await log(doc)).length
  const markList = (await log(list)).length
  const deleted = await api(list, 'DELETE', `/api/resource/ToDo/${name}`)
  result.deleted = { status: deleted.status, body: deleted.body }
  result.delete_doc_event = (await waitFor(doc, 'event', { event: 'doc_update', name, since: markDoc })).data
  result.delete_list_event = (await waitFor(list, 'event', { event: 'list_update', name, since: markList })).data
  await waitForRow(list, name, false)
  result.row_after_delete = (await rows(list))[name] ?? null

  // The if_owner user's own ToDo: events reach them (and the manager); the manager's ToDo never did.
  const own = await api(ownerList, 'POST', '/api/resource/ToDo', { description: 'owner created' })
  const ownName = own.body.data.name
  result.owner_create_event = (await waitFor(ownerList, 'event', { event: 'list_update', name: ownName })).data
  await waitForRow(ownerList, ownName)
  result.manager_sees_owner_event = !!(await waitFor(list, 'event', { event: 'list_update', name: ownName }))
  result.owner_events = (await log(ownerList)).filter((e) => e.kind === 'event').map((e) => [e.data.event, e.data.payload?.name])
  result.owner_rows_after = Object.keys(await rows(ownerList)).length
} finally {
  await browser.close()
}
console.log(JSON.stringify(result, null, 2))
