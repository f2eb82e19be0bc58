// Flask serves the console: without a build, /console/ tells the operator in Chinese what to run.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { startBackend } from './harness.mjs'

test('without a build the console answers 503 with a page saying to run make console; the API still works', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'yuanba-no-console-'))
  const backend = await startBackend({ CONSOLE_DIST: empty })
  try {
    const response = await fetch(`${backend.base}/console/triage`)
    assert.equal(response.status, 503)
    assert.match(response.headers.get('content-type'), /text\/html/)
    const html = await response.text()
    assert.match(html, /社区工作台尚未构建/)
    assert.match(html, /make console/)
    assert.equal((await fetch(`${backend.base}/healthz`)).status, 200)
  } finally {
    await backend.stop()
    fs.rmSync(empty, { recursive: true, force: true })
  }
})
