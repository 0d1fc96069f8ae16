// Bundles the two pages (react.jsx, frappe-ui.js) with esbuild into tests/js/.build/pages/.
// frappe-ui is bundled from its published src/ (plugin, resources, socket), as an app's Vite build would.
import { build } from 'esbuild'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const outdir = join(here, '..', '.build', 'pages')
const frappeUI = join(here, '..', 'node_modules', 'frappe-ui', 'src')

const html = (script) => `<!doctype html><html><head><meta charset="utf-8"><title>realtime</title></head>
<body><div id="root"></div><script type="module" src="./${script}"></script></body></html>\n`

/** Build both pages; returns the output directory. */
export async function buildPages() {
  mkdirSync(outdir, { recursive: true })
  const frappeUIEntry = join(outdir, 'frappe-ui-entry.js')
  writeFileSync(frappeUIEntry, [
    `export { default as FrappeUI } from ${JSON.stringify(join(frappeUI, 'utils', 'plugin.js'))}`,
    `export { frappeRequest } from ${JSON.stringify(join(frappeUI, 'utils', 'frappeRequest.js'))}`,
    `export { setConfig } from ${JSON.stringify(join(frappeUI, 'utils', 'config.ts'))}`,
  ].join('\n'))
  await build({
    entryPoints: { react: join(here, 'react.jsx'), 'frappe-ui': join(here, 'frappe-ui.js') },
    bundle: true, format: 'esm', platform: 'browser', outdir, logLevel: 'error', jsx: 'automatic',
    alias: { 'frappe-ui-src': frappeUIEntry },
    define: { 'process.env.NODE_ENV': '"production"', 'import.meta.env.DEV': 'false', __VUE_OPTIONS_API__: 'true',
              __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
  })
  writeFileSync(join(outdir, 'react.html'), html('react.js'))
  writeFileSync(join(outdir, 'frappe-ui.html'), html('frappe-ui.js'))
  return outdir
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await buildPages())
