// frappe-ui 0.1.278's realtime list as an app gets it: the socket from its FrappeUI plugin (initSocket, which
// reads window.site_name) and createListResource({realtime: true}) in a component.
// Options in the query string: site, socketPort.
import { createApp, h } from 'vue'
import { FrappeUI, createListResource, frappeRequest, setConfig } from 'frappe-ui-src'
import { pageOptions, recordSocket } from './record.js'

const options = pageOptions()
window.site_name = options.site

const ToDoList = {
  setup() {
    const todos = createListResource({
      doctype: 'ToDo', fields: ['name', 'description', 'modified'], orderBy: 'creation desc', pageLength: 500,
      realtime: true, auto: true,
    })
    return () => h('ul', { id: 'todos', 'data-count': todos.data?.length ?? '' },
      (todos.data || []).map((row) => h('li', { key: row.name, 'data-name': row.name, 'data-modified': row.modified },
        row.description)))
  },
}

setConfig('resourceFetcher', frappeRequest)  // what frappe-ui apps set in main.js
const app = createApp(ToDoList)
app.use(FrappeUI, { socketio: options.socketPort ? { port: options.socketPort } : {} })
recordSocket(app.config.globalProperties.$socket)
app.mount('#root')
