// The client side of `make bench-realtime` (run by bench/realtime.py): connects N socket.io-client 4.7.1 clients,
// spread over the realtime servers and over worker threads (one Node event loop would be the bottleneck), each
// subscribed to ToDo; measures the memory each server holds per idle connection; then inserts ToDos through the
// HTTP API at a steady rate while every client records when each list_update arrives (Date.now(), the wall
// clock). Writes what it saw as JSON to config.output; bench/realtime.py makes the figures.
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** One worker thread: connects its share of the clients, counts receipts in `counter`, hands them over on 'close'. */
async function clientThread({ servers, site, auth, indexes, counter }) {
  const require = createRequire(new URL('../tests/js/package.json', import.meta.url))
  const { io } = require('socket.io-client')
  const received = new Int32Array(counter)
  const receipts = [] // [name, server index, receipt ms]
  const connect = (index) => new Promise((resolve, reject) => {
    const server = index % servers.length
    const socket = io(`${servers[server]}/${site}`, {
      transports: ['websocket'], extraHeaders: { Authorization: auth }, reconnection: false })
    socket.on('list_update', (data) => {
      receipts.push([data.name, server, Date.now()])
      Atomics.add(received, 0, 1)
    })
    socket.once('connect', () => {
      socket.emit('doctype_subscribe', 'ToDo')
      socket.emit('ping')
      socket.once('pong', () => resolve(socket))
    })
    socket.once('connect_error', reject)
  })
  const sockets = []
  for (let start = 0; start < indexes.length; start += 25) {
    sockets.push(...(await Promise.all(indexes.slice(start, start + 25).map(connect))))
  }
  parentPort.postMessage({ connected: sockets.length })
  parentPort.once('message', () => {
    for (const socket of sockets) socket.close()
    parentPort.postMessage({ receipts })
  })
}

function rssKiB(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1])
}

/** CPU seconds (user + system, all threads) a process has used so far. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function main(config) {
  const { servers, pids, webPid, web, site, auth, clients, threads, rate, seconds, output } = config
  await sleep(1000)
  const before = pids.map(rssKiB)
  const counter = new SharedArrayBuffer(4)
  const received = new Int32Array(counter)
  const workers = []
  const connected = []
  for (let thread = 0; thread < threads; thread++) {
    const indexes = []
    for (let i = thread; i < clients; i += threads) indexes.push(i)
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { servers, site, auth, indexes, counter } })
    worker.on('error', (error) => { console.error(error); process.exit(1) })
    workers.push(worker)
    connected.push(new Promise((resolve) => worker.once('message', resolve)))
  }
  await Promise.all(connected)
  await sleep(3000)
  const idle = pids.map(rssKiB)

  const measured = [...pids, webPid, process.pid]
  const cpuBefore = measured.map(cpuSeconds)
  const written = [] // [name, modified stamp]
  const interval = 1000 / rate
  const began = Date.now()
  for (let n = 0; n < rate * seconds; n++) {
    const due = began + n * interval
    if (due > Date.now()) await sleep(due - Date.now())
    const response = await fetch(`${web}/api/resource/ToDo`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: auth },
      body: JSON.stringify({ description: `bench ${n}` }) })
    const { data } = await response.json()
    written.push([data.name, data.modified])
  }
  const expected = written.length * clients
  for (let waited = 0; waited < 30000 && Atomics.load(received, 0) < expected; waited += 50) await sleep(50)
  const ended = Date.now()
  const cpu = measured.map((pid, index) => cpuSeconds(pid) - cpuBefore[index])

  const receipts = await Promise.all(workers.map((worker) => new Promise((resolve) => {
    worker.once('message', (message) => resolve(message.receipts))
    worker.postMessage('close')
  })))
  for (const worker of workers) await worker.terminate()
  writeFileSync(output, JSON.stringify({
    clients, servers: servers.length, threads, rate, written, receipts: receipts.flat(), window: [began, ended],
    rss_before_kib: before, rss_idle_kib: idle,
    cpu_s: { realtime: cpu.slice(0, pids.length), web: cpu[pids.length], clients: cpu[pids.length + 1] },
  }))
}

if (isMainThread) await main(JSON.parse(process.argv[2]))
else await clientThread(workerData)
