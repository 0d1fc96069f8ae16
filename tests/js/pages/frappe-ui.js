// frappe-ui 0.1.278's realtime list as an app gets it: the socket from its FrappeUI plugin (initSocket, which
// reads window.site_name) and a list resource with realtime: true in a component.
// Options in the query string: site, socketPort.
import { createApp, h } from 'vue'
import { FrappeUI, frappeRequest, setConfig } from 'frappe-ui-src'
import { pageOptions, recordSocket } from './record.js'

const options = pageOptions()
window.site_name = options.site

// The options API's ``resources`` (frappe-ui's resources plugin): it hands the component to createListResource,
// which reads $socket from it. createListResource(options) called in setup() gets no component and no realtime.
const ToDoList = {
  resources: {
    todos: {
      type: 'list', doctype: 'ToDo', fields: ['name', 'description', 'modified'], orderBy: 'creation desc',
      pageLength: 500, realtime: true, auto: true,
    },
  },
  render() {
    const rows = this.$resources.todos.data || []
    return h('ul', { id: 'todos', 'data-count': rows.length },
      rows.map((row) => h('li', { key: row.name, 'data-name': row.name, 'data-modified': row.modified }, row.description)))
  },
}

setConfig('resourceFetcher', frappeRequest)  // what frappe-ui apps set in main.js
const app = createApp(ToDoList)
app.use(FrappeUI, { socketio: options.socketPort ? { port: options.socketPort } : {} })
recordSocket(app.config.globalProperties.$socket)
app.mount('#root')
