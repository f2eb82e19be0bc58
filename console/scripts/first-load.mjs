// The console's first load, measured in the build (not timed): index.html, the entry chunk and
// everything it imports statically, their CSS, and the sign-in page's chunk (what a browser
// fetches before anyone has signed in). Gzip sizes added up; above the budget the build fails.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'

const BUDGET = 500 * 1024
const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'))

const files = new Set(['index.html'])
function take(key) {
  const chunk = manifest[key]
  if (!chunk || files.has(chunk.file)) return
  files.add(chunk.file)
  for (const css of chunk.css || []) files.add(css)
  for (const imported of chunk.imports || []) take(imported)
}
const entry = Object.keys(manifest).find(key => manifest[key].isEntry)
take(entry)
take(Object.keys(manifest).find(key => key.endsWith('pages/SignIn.vue')))

const gz = file => zlib.gzipSync(fs.readFileSync(path.join(dist, file)), { level: 9 }).length
const total = [...files].reduce((sum, file) => sum + gz(file), 0)
const kb = n => `${(n / 1024).toFixed(1)} KB`
console.log(`first load (gzip): ${kb(total)} in ${files.size} files, budget ${kb(BUDGET)}`)
if (total > BUDGET) {
  for (const file of files) console.log(`  ${kb(gz(file)).padStart(9)}  ${file}`)
  console.error('the first load is over budget: import less into main.js, or lazily in a page')
  process.exit(1)
}
