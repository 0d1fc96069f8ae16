// frappe-ui's resource code (createResource, createDocumentResource, createListResource, frappeRequest) from
// the published package's src/: it is TypeScript with extension-less imports, which Node 20 cannot load, so
// esbuild bundles those modules as they are (with vue) into .build/ once per run.
import { build } from 'esbuild'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const src = join(here, 'node_modules', 'frappe-ui', 'src')

export async function loadFrappeUI() {
  const out = join(here, '.build', 'frappe-ui-resources.mjs')
  mkdirSync(dirname(out), { recursive: true })
  await build({
    stdin: {
      contents: [
        `export { createResource, createDocumentResource, createListResource } from ${JSON.stringify(join(src, 'resources', 'index.ts'))}`,
        `export { frappeRequest } from ${JSON.stringify(join(src, 'utils', 'frappeRequest.js'))}`,
        `export { setConfig } from ${JSON.stringify(join(src, 'utils', 'config.ts'))}`,
      ].join('\n'),
      resolveDir: here,
      loader: 'js',
    },
    bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error',
  })
  const ui = await import(pathToFileURL(out).href)
  ui.setConfig('resourceFetcher', ui.frappeRequest)  // what frappe-ui's resourcesPlugin / FrappeUI plugin sets
  return ui
}
