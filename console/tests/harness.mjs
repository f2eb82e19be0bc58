// The browser tests' world: a real backend (the repository's Flask app with the demo community,
// development login on, SQLite in a temporary folder) serving the built console, and Debian's
// Chromium driven by playwright-core. Each test file starts its own and tears it down:
//
//   const world = await startWorld()          // backend + browser
//   const page = await world.pageAs('staff')  // signed in as dev:staff (token put in the tab)
//   await world.axe(page)                     // serious/critical accessibility violations ([] when none)
//   await world.screenshot(page, 'name')      // console/test-results/name.png
//   await world.api('council1', 'POST', '/matters/1/classify', {...})  // the API as someone else
//   await world.upload('resident', '/photos', 'file', blob, 'a.png')  // multipart, as someone else
//   world.sql('UPDATE meetings SET …')        // what the API will not do (a meeting held long ago)
//   await world.stop()
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const HERE = path.dirname(fileURLToPath(import.meta.url))
export const CONSOLE = path.resolve(HERE, '..')
export const ROOT = path.resolve(CONSOLE, '..')
export const RESULTS = path.join(CONSOLE, 'test-results')
const FLASK = path.join(ROOT, '.venv', 'bin', 'flask')
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python')
const AXE = path.join(CONSOLE, 'node_modules', 'axe-core', 'axe.min.js')
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']
const TOKEN_KEY = 'yuanba.console.token' // src/session.js

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function flaskEnv(dir, extra = {}) {
  return {
    ...process.env,
    APP_ENV: 'development',
    DATABASE_URL: `sqlite:///${path.join(dir, 'yuanba.db')}`,
    MEDIA_ROOT: path.join(dir, 'media'),
    SECRET_KEY: 'console-tests-secret-key-0123456789abcdef',
    WECHAT_APPID: '',
    WECHAT_SECRET: '',
    REDIS_URL: '',
    FLASK_DEBUG: '0',
    ...extra,
  }
}

function flask(args, env) {
  const done = spawnSync(FLASK, ['--app', 'wsgi', ...args], { cwd: ROOT, env, encoding: 'utf8' })
  if (done.status !== 0) throw new Error(`flask ${args.join(' ')} failed:\n${done.stdout}\n${done.stderr}`)
  return done.stdout
}

async function waitFor(url, server, log) {
  for (let i = 0; i < 300; i += 1) {
    if (server.exitCode !== null) throw new Error(`the backend exited:\n${log.join('')}`)
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`the backend did not answer ${url}:\n${log.join('')}`)
}

// env: extra settings for the backend (e.g. CONSOLE_DIST)
export async function startBackend(env = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yuanba-console-'))
  const settings = flaskEnv(dir, env)
  flask(['db', 'upgrade'], settings)
  flask(['demo'], settings)
  const port = await freePort()
  const log = []
  const server = spawn(FLASK, ['--app', 'wsgi', 'run', '--host', '127.0.0.1', '--port', String(port), '--with-threads'],
    { cwd: ROOT, env: settings, stdio: ['ignore', 'pipe', 'pipe'] })
  server.stdout.on('data', chunk => log.push(String(chunk)))
  server.stderr.on('data', chunk => log.push(String(chunk)))
  const base = `http://127.0.0.1:${port}`
  await waitFor(`${base}/healthz`, server, log)
  const tokens = {}

  async function call(token, method, apiPath, body, form) {
    const headers = { Authorization: `Bearer ${token}` }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const sent = form ?? (body === undefined ? undefined : JSON.stringify(body))
    const response = await fetch(`${base}/api/v1${apiPath}`, { method, headers, body: sent })
    const text = await response.text()
    const data = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text
    if (!response.ok) throw new Error(`${method} ${apiPath} → ${response.status}: ${text}`)
    return data
  }

  async function login(name) {
    if (!tokens[name]) {
      const response = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: `dev:${name}` }),
      })
      if (!response.ok) throw new Error(`dev:${name} could not sign in: ${response.status} ${await response.text()}`)
      tokens[name] = (await response.json()).token
    }
    return tokens[name]
  }

  return {
    base,
    log,
    login,
    api: async (name, method, apiPath, body) => call(await login(name), method, apiPath, body),
    async upload(name, apiPath, field, blob, filename) {
      const form = new FormData()
      form.append(field, blob, filename)
      return call(await login(name), 'POST', apiPath, undefined, form)
    },
    // One SQL statement on the test database, for a state the API refuses to make (a past start)
    sql(statement) {
      const script = 'import sqlite3, sys\nwith sqlite3.connect(sys.argv[1]) as db: db.execute(sys.argv[2])'
      const done = spawnSync(PYTHON, ['-c', script, path.join(dir, 'yuanba.db'), statement], { encoding: 'utf8' })
      if (done.status !== 0) throw new Error(`sql failed: ${done.stderr}`)
    },
    async stop() {
      server.kill('SIGTERM')
      await new Promise(resolve => (server.exitCode !== null ? resolve() : server.once('exit', resolve)))
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function startWorld(env = {}) {
  fs.mkdirSync(RESULTS, { recursive: true })
  const backend = await startBackend(env)
  let browser
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  } catch (error) {
    await backend.stop()
    throw error
  }
  // the desks are in China: the browser's days are the server's TIME_ZONE days (the API's periods)
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true,
  })

  return {
    ...backend,
    browser,
    // A tab of the console; signed in as dev:<name> when a name is given.
    async pageAs(name) {
      const page = await context.newPage()
      if (name) await page.addInitScript(([key, token]) => sessionStorage.setItem(key, token), [TOKEN_KEY, await backend.login(name)])
      return page
    },
    url: route => `${backend.base}/console/${route || ''}`,
    async axe(page) {
      // Scan the page as it settles, not mid-transition (a closing dropdown, a tag fading in).
      await page.evaluate(() => Promise.all(document.getAnimations().map(a => a.finished.catch(() => null))))
      await page.evaluate(() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve))))
      await page.addScriptTag({ path: AXE })
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }))
      return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
        .map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)
    },
    screenshot: (page, name) => page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: true }),
    // Click a print button and take what it saves: the answer's Content-Type, the file's name and bytes.
    async printed(page, button, endpoint) {
      const [answer, download] = await Promise.all([
        page.waitForResponse(r => new URL(r.url()).pathname.endsWith(endpoint)), page.waitForEvent('download'), button.click(),
      ])
      return { type: answer.headers()['content-type'], name: download.suggestedFilename(), bytes: fs.readFileSync(await download.path()) }
    },
    async stop() {
      await browser.close().catch(() => null)
      await backend.stop()
    },
  }
}
