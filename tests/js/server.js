// Starts the demo project (manage.py runserver --noreload) on a free 127.0.0.1 port against a temporary SQLite
// database, migrated and seeded with seed_demo. Python: $PYTHON, else the repository's .venv, else python3.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

function python() {
  if (process.env.PYTHON) return process.env.PYTHON
  const venv = join(repo, '.venv', 'bin', 'python')
  return existsSync(venv) ? venv : 'python3'
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

function manage(env, ...args) {
  const run = spawnSync(python(), ['manage.py', ...args], { cwd: repo, env, encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`manage.py ${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`)
}

/** The running demo: its base URL, everything it printed (the console mail backend's mails), and stop().
 * With `{ asgi: true }` it is served as `make run` serves it (manage.py runasgi: uvicorn, realtime at /socket.io/). */
export async function startDemo({ asgi = false } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'frappe-api-js-'))
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite:///${join(work, 'db.sqlite3')}`,
    DJANGO_MEDIA_ROOT: join(work, 'media'),
    DJANGO_EMAIL_BACKEND: 'django.core.mail.backends.console.EmailBackend',
    PYTHONUNBUFFERED: '1',
  }
  manage(env, 'migrate', '--noinput', '-v', '0')
  manage(env, 'seed_demo')
  const port = await freePort()
  const command = asgi ? ['runasgi', `127.0.0.1:${port}`] : ['runserver', '--noreload', `127.0.0.1:${port}`]
  const server = spawn(python(), ['manage.py', ...command],
    { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  server.stdout.on('data', (chunk) => { output += chunk })
  server.stderr.on('data', (chunk) => { output += chunk })
  const base = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`${base}/api/method/ping`)).ok) break
    } catch {}
    if (attempt > 150 || server.exitCode !== null) {
      server.kill()
      throw new Error(`the demo server did not start:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return {
    base,
    output: () => output,
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve))
        server.kill('SIGTERM')
        await exited
      }
      rmSync(work, { recursive: true, force: true })
    },
  }
}
