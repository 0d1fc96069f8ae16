// frappe-react-sdk 1.17.1 as an app uses it: FrappeProvider with its socket, a ToDo list kept live by
// useFrappeDocTypeEventListener, and one document watched by useFrappeDocumentEventListener.
// Options in the query string: url, site, socketPort, token (key:secret), doc.
import React, { useContext } from 'react'
import { createRoot } from 'react-dom/client'
import {
  FrappeContext, FrappeProvider, useFrappeDocTypeEventListener, useFrappeDocumentEventListener,
  useFrappeGetDocList,
} from 'frappe-react-sdk'
import { pageOptions, recordSocket } from './record.js'

const options = pageOptions()

function ToDoList() {
  const { data, error, mutate } = useFrappeGetDocList('ToDo', {
    fields: ['name', 'description', 'modified'], orderBy: { field: 'creation', order: 'desc' }, limit: 500,
  })
  useFrappeDocTypeEventListener('ToDo', () => mutate())
  if (error) return <p id="list-error">{error.httpStatus} {error.exception || error.message}</p>
  if (!data) return <p id="list-loading">loading</p>
  return (
    <ul id="todos" data-count={data.length}>
      {data.map((row) => <li key={row.name} data-name={row.name} data-modified={row.modified}>{row.description}</li>)}
    </ul>
  )
}

function WatchedDocument({ name }) {
  const { viewers } = useFrappeDocumentEventListener('ToDo', name, () => {})
  return <p id="viewers">{viewers.join(',')}</p>
}

function App() {
  const { socket } = useContext(FrappeContext)
  if (socket && !window.realtime) recordSocket(socket)
  return (
    <>
      <ToDoList />
      {options.doc && <WatchedDocument name={options.doc} />}
    </>
  )
}

const token = options.token
createRoot(document.getElementById('root')).render(
  <FrappeProvider url={options.url || ''} siteName={options.site} socketPort={options.socketPort}
                  tokenParams={token ? { useToken: true, type: 'token', token: () => token } : undefined}>
    <App />
  </FrappeProvider>,
)
