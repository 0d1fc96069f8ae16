// frappe-js-sdk and frappe-ui's own resource code driven against the demo server (node --test).

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { FrappeApp } from 'frappe-js-sdk'

import { CookieJar, attachJar, installPage } from './browser.js'
import { loadFrappeUI } from './frappe-ui.js'
import { startDemo } from './server.js'

let demo
let ui

async function run(resource, params) {
  try {
    await resource.fetch(params)
  } catch (error) {
    return { error }
  }
  return { data: resource.data, error: resource.error }
}

async function sdkAs(usr, pwd) {
  const jar = new CookieJar()
  const app = attachJar(new FrappeApp(demo.base), jar)
  if (usr) await app.auth().loginWithUsernamePassword({ username: usr, password: pwd })
  return { app, jar }
}

async function pageAs(usr, pwd) {
  const jar = new CookieJar()
  installPage(demo.base, jar)
  if (usr) {
    const login = await fetch('/api/method/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ usr, pwd }) })
    assert.equal(login.status, 200)
  }
  return jar
}

before(async () => {
  demo = await startDemo()
  ui = await loadFrappeUI()
})

after(async () => {
  await demo?.stop()
})

describe('frappe-js-sdk auth', () => {
  test('forgetPassword posts JSON {cmd, user} to / and the reset mail leads to update_password', async () => {
    const { app } = await sdkAs('Administrator', 'admin')
    const email = `reset-${Date.now()}@example.com`
    await app.db().createDoc('User', { username: `reset${Date.now()}`, email, first_name: 'Reset', is_active: 1 })
    const guest = (await sdkAs()).app
    assert.equal(await guest.auth().forgetPassword(email), undefined)
    let key
    for (let i = 0; i < 50 && !key; i++) {
      key = demo.output().match(/\/update-password\?key=([^\s]+)/)?.[1]
      if (!key) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    assert.ok(key, 'the console mail backend printed the reset link')
    const page = await fetch(`${demo.base}/update-password?key=${key}`)
    assert.equal(page.status, 200)
    const reset = await guest.call().post('frappe.core.doctype.user.user.update_password',
      { new_password: 'violet-harbour-Gl1mmer', key })
    assert.equal(reset.message, '/app')
    const relogin = (await sdkAs()).app
    const answer = await relogin.auth().loginWithUsernamePassword({ username: email, password: 'violet-harbour-Gl1mmer' })
    assert.equal(answer.message, 'Logged In')
  })

  test('forgetPassword for an unknown user rejects with Frappe\'s 404 "not found"', async () => {
    const guest = (await sdkAs()).app
    await assert.rejects(guest.auth().forgetPassword('nobody-here@example.com'),
      (error) => error.httpStatus === 404 && error.message === 'not found')
  })
})

describe('search (frappe.desk.search.search_link)', () => {
  test('frappe-react-sdk useSearch request through frappe-js-sdk call.get', async () => {
    const { app } = await sdkAs('Administrator', 'admin')
    const answer = await app.call().get('frappe.desk.search.search_link',
      { doctype: 'Customer', page_length: 20, txt: 'Customer 00', filters: JSON.stringify([]) })
    assert.ok(Array.isArray(answer.message) && answer.message.length > 0)
    assert.ok(answer.message.every((row) => typeof row.value === 'string' && row.value.includes('Customer 00')))
  })

  test('frappe-ui createResource POSTs search_link (the Link component\'s call)', async () => {
    await pageAs('Administrator', 'admin')
    const search = ui.createResource({ url: 'frappe.desk.search.search_link',
      params: { doctype: 'Customer', txt: 'Customer 01', filters: {} } })
    const { data, error } = await run(search)
    assert.equal(error, null)
    assert.ok(data.length > 0 && data.every((row) => row.value.includes('Customer 01')))
  })
})

describe('frappe-ui document and list resources', () => {
  async function newToDo(description) {
    const insert = ui.createResource({ url: 'frappe.client.insert', params: { doc: { doctype: 'ToDo', description } } })
    const { data, error } = await run(insert)
    assert.equal(error, null)
    return data.name
  }

  test('createDocumentResource loads a document', async () => {
    await pageAs('Administrator', 'admin')
    const name = await newToDo('frappe-ui get')
    const doc = ui.createDocumentResource({ doctype: 'ToDo', name, auto: false })
    const { error } = await run(doc.get)
    assert.equal(error, null)
    assert.equal(doc.doc.description, 'frappe-ui get')
  })

  test('documentResource.save() sends the whole document through frappe.client.set_value', async () => {
    await pageAs('Administrator', 'admin')
    const name = await newToDo('before save')
    const doc = ui.createDocumentResource({ doctype: 'ToDo', name, auto: false })
    await run(doc.get)
    doc.doc.description = 'after save'
    const { error } = await run(doc.save)
    assert.equal(error, null)
    assert.equal(doc.doc.description, 'after save')
    const reread = ui.createDocumentResource({ doctype: 'ToDo', name, auto: false })
    await run(reread.get)
    assert.equal(reread.doc.description, 'after save')
  })

  test('documentResource whitelistedMethods call run_doc_method', async () => {
    await pageAs('Administrator', 'admin')
    const name = await newToDo('to close')
    const doc = ui.createDocumentResource({ doctype: 'ToDo', name, auto: false,
      whitelistedMethods: { close: 'close' } })
    await run(doc.get)
    const { data, error } = await run(doc.close, { reason: 'done' })
    assert.equal(error, null)
    assert.match(String(data), /Closed/)
  })

  test('createListResource loads rows and runDocMethod calls run_doc_method', async () => {
    await pageAs('Administrator', 'admin')
    const name = await newToDo('list close')
    const list = ui.createListResource({ doctype: 'ToDo', fields: ['name', 'description', 'status'],
      filters: { name }, auto: false })
    const { error } = await run(list.list)
    assert.equal(error, null)
    assert.deepEqual(list.data.map((row) => row.name), [name])
    const method = await run(list.runDocMethod, { method: 'close', name, reason: 'done' })
    assert.equal(method.error, null)
  })
})
