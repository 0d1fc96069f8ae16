// What both pages expose to the driver (drive.mjs): every socket event and state change, in order, on
// window.realtime.log, and the socket itself on window.realtime.socket.

/** Record ``socket``'s life and every event it receives on ``window.realtime``. */
export function recordSocket(socket) {
  const log = []
  const note = (kind, data) => log.push({ kind, data, at: Date.now() })
  socket.on('connect', () => note('connect', { transport: socket.io.engine.transport.name }))
  socket.on('connect_error', (error) => note('connect_error', { message: error.message }))
  socket.on('disconnect', (reason) => note('disconnect', { reason }))
  socket.io.on('reconnect', () => note('reconnect', {}))
  socket.onAny((event, ...args) => note('event', { event, payload: args.length === 1 ? args[0] : args }))
  window.realtime = {
    log,
    socket,
    transport: () => socket.io.engine?.transport?.name,
    /** After a cookie login: a socket refused at connection is not retried by socket.io-client. */
    reconnect: () => { socket.disconnect(); socket.connect() },
  }
  return socket
}

/** The page's query string as an object. */
export function pageOptions() {
  return Object.fromEntries(new URLSearchParams(window.location.search))
}
