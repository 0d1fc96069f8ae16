// A same-origin browser page for the libraries under test: window.location on the demo, a cookie jar, and the
// Sec-Fetch-Site header a browser adds, for Node's fetch (frappe-ui) and for axios (frappe-js-sdk).

/** A cookie jar shared by every request of one "browser". */
export class CookieJar {
  constructor() { this.cookies = new Map() }

  header() { return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') }

  store(setCookies) {
    for (const line of setCookies || []) {
      const [pair, ...attributes] = line.split(';')
      const index = pair.indexOf('=')
      const name = pair.slice(0, index).trim()
      const value = pair.slice(index + 1).trim()
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) ||
        attributes.some((a) => /^\s*expires=/i.test(a) && new Date(a.split('=')[1]) < new Date())
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  get(name) { return this.cookies.get(name) }
}

/** Make globalThis look like a page served by ``base`` (frappe-ui reads window.location and calls fetch). */
export function installPage(base, jar) {
  const url = new URL(base)
  globalThis.window = { location: { hostname: url.hostname, origin: url.origin, port: url.port,
    protocol: url.protocol, host: url.host, href: `${base}/` } }
  const nodeFetch = globalThis.__nodeFetch || globalThis.fetch
  globalThis.__nodeFetch = nodeFetch
  globalThis.fetch = async (resource, init = {}) => {
    const headers = new Headers(init.headers || {})
    if (jar.header()) headers.set('Cookie', jar.header())
    headers.set('Sec-Fetch-Site', 'same-origin')
    const response = await nodeFetch(new URL(resource, base), { ...init, headers })
    jar.store(response.headers.getSetCookie())
    return response
  }
}

/** Give a frappe-js-sdk FrappeApp's axios instance the jar (axios in Node keeps no cookies). */
export function attachJar(app, jar) {
  app.axios.interceptors.request.use((config) => {
    if (jar.header()) config.headers.Cookie = jar.header()
    config.headers['Sec-Fetch-Site'] = 'same-origin'
    return config
  })
  app.axios.interceptors.response.use((response) => {
    jar.store(response.headers['set-cookie'])
    return response
  }, (error) => {
    jar.store(error.response?.headers?.['set-cookie'])
    return Promise.reject(error)
  })
  return app
}
