// Signing in with the development login, out here, and out everywhere; the sign-in page's
// accessibility; the console served by Flask (client routes answered by index.html).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startWorld } from './harness.mjs'

let world
before(async () => { world = await startWorld() })
after(() => world?.stop())

async function signInWithPicker(page, name) {
  await page.goto(world.url('matters'))
  await page.waitForURL(/\/console\/sign-in/)
  await page.getByRole('combobox', { name: '选择登录身份' }).click()
  await page.keyboard.type(name)
  await page.getByRole('option', { name: new RegExp(name) }).first().click()
  await page.locator('[data-test="dev-sign-in"]').click()
}

const token = page => page.evaluate(() => sessionStorage.getItem('yuanba.console.token'))
const meStatus = async bearer => (await fetch(`${world.base}/api/v1/me`, { headers: { Authorization: `Bearer ${bearer}` } })).status

test('a staff member picks themselves in development, lands on the page they asked for, and signs out', async () => {
  const page = await world.pageAs()
  await signInWithPicker(page, '王海燕')
  await page.waitForURL(/\/console\/matters$/)
  await page.getByRole('heading', { name: '诉求' }).waitFor()
  assert.match(await page.locator('[data-test="account-menu"]').innerText(), /王海燕/)
  assert.equal(await page.locator('[data-test="community-picker"]').getByText('东海社区').count(), 1)
  await world.screenshot(page, 'sign-in-done')

  const signedIn = await token(page)
  assert.equal(await meStatus(signedIn), 200)
  await page.locator('[data-test="account-menu"]').click()
  await page.locator('[data-test="sign-out"]').click()
  await page.waitForURL(/\/console\/sign-in/)
  assert.equal(await token(page), null)
  assert.equal(await meStatus(signedIn), 401, 'the token stops working on the server, not only in the tab')
})

test('sign out everywhere ends the phone\'s sign-in too', async () => {
  const phone = await (await fetch(`${world.base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: 'dev:supervisor' }),
  })).json()
  const page = await world.pageAs()
  await signInWithPicker(page, '林秀英')
  await page.getByRole('heading', { name: '表决' }).waitFor() // a supervisor's first page
  await page.locator('[data-test="account-menu"]').click()
  await page.locator('[data-test="sign-out-everywhere"]').click()
  await page.getByRole('button', { name: '全部退出' }).click()
  await page.waitForURL(/\/console\/sign-in/)
  assert.equal(await meStatus(phone.token), 401)
})

test('the sign-in page shows the scan state and passes the accessibility scan', async () => {
  const page = await world.pageAs()
  await page.goto(world.url('sign-in'))
  await page.locator('[data-test="dev-login"]').waitFor()
  // development without WeChat: no code image; the page says so (or shows the server's error)
  await page.locator('[data-test="scan"]').getByText(/未配置微信|\S/).first().waitFor()
  assert.doesNotMatch(await page.locator('[data-test="scan"]').innerText(), /正在获取/)
  await world.screenshot(page, 'sign-in')
  assert.deepEqual(await world.axe(page), [])
})

test('a client route reloads into the console, and an expired token goes back to sign-in', async () => {
  const html = await (await fetch(world.url('figures'))).text()
  assert.match(html, /<div id="app">/)
  const page = await world.pageAs()
  await page.addInitScript(() => sessionStorage.setItem('yuanba.console.token', 'not-a-token'))
  await page.goto(world.url('audit'))
  await page.waitForURL(/\/console\/sign-in\?next=/)
})
