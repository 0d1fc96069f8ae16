// The client side of `make bench-realtime` (run by bench/realtime.py): connects N socket.io-client 4.7.1 clients,
// spread over the realtime servers, each subscribed to ToDo; measures the memory each server holds per idle
// connection; then inserts ToDos through the HTTP API at a steady rate and records, per client, when each
// list_update arrives. Prints one JSON line.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(new URL('../tests/js/package.json', import.meta.url))
const { io } = require('socket.io-client')

const config = JSON.parse(process.argv[2])
const { servers, pids, web, site, auth, clients, rate, seconds } = config
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1])
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

const received = new Map() // name -> [receipt ms, ...]
function connect(index) {
  return new Promise((resolve, reject) => {
    const socket = io(`${servers[index % servers.length]}/${site}`, {
      transports: ['websocket'], extraHeaders: { Authorization: auth }, reconnection: false })
    socket.on('list_update', (data) => {
      const now = Date.now()
      if (!received.has(data.name)) received.set(data.name, [])
      received.get(data.name).push(now)
    })
    socket.once('connect', () => {
      socket.emit('doctype_subscribe', 'ToDo')
      socket.emit('ping')
      socket.once('pong', () => resolve(socket))
    })
    socket.once('connect_error', reject)
  })
}

await sleep(1000)
const before = pids.map(rssKiB)
const sockets = []
for (let start = 0; start < clients; start += 50) {
  const batch = []
  for (let i = start; i < Math.min(clients, start + 50); i++) batch.push(connect(i))
  sockets.push(...(await Promise.all(batch)))
}
await sleep(3000)
const idle = pids.map(rssKiB)

const cpuBefore = pids.map(cpuSeconds)
const written = [] // {name, modified ms}
const interval = 1000 / rate
const began = Date.now()
for (let n = 0; n < rate * seconds; n++) {
  const due = began + n * interval
  if (due > Date.now()) await sleep(due - Date.now())
  const response = await fetch(`${web}/api/resource/ToDo`, { method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: auth },
    body: JSON.stringify({ description: `bench ${n}` }) })
  const { data } = await response.json()
  written.push({ name: data.name, modified: Date.parse(`${data.modified.replace(' ', 'T').slice(0, 23)}Z`) })
}
const expected = written.length * clients
const count = () => [...received.values()].reduce((total, times) => total + times.length, 0)
for (let waited = 0; waited < 30000 && count() < expected; waited += 200) await sleep(200)
const cpuUsed = pids.map((pid, index) => cpuSeconds(pid) - cpuBefore[index])
for (const socket of sockets) socket.close()

const latencies = []
let missing = 0
for (const { name, modified } of written) {
  const times = received.get(name) || []
  missing += clients - times.length
  for (const at of times) latencies.push(at - modified)
}
latencies.sort((a, b) => a - b)
const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
console.log(JSON.stringify({
  clients, servers: servers.length, writes: written.length, rate, deliveries: latencies.length, missing,
  p50_ms: pick(0.5), p90_ms: pick(0.9), p99_ms: pick(0.99), max_ms: latencies.at(-1),
  rss_before_kib: before, rss_idle_kib: idle,
  cpu_us_per_delivery: (cpuUsed.reduce((a, b) => a + b, 0) * 1e6) / Math.max(1, latencies.length),
  kib_per_idle_connection: idle.reduce((a, b) => a + b, 0) / clients - before.reduce((a, b) => a + b, 0) / clients,
}))
