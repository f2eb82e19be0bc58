// 微信“扫一扫”扫社区工作台（电脑）上的登录码打开的确认页 pages/console-login/console-login?scene=…
const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const api = require('../utils/api')

const PAGE = 'pages/console-login/console-login'
const ID = 'Qm9vb3Rz-_xyzABCDEFGHIJ'
const STAFF = { id: 2, name: '王海燕', roles: [{ role: 'staff', scope_id: 1, scope_name: '东海社区' }], household: null }

function login(status, fields = {}) {
  return Object.assign({
    id: ID, status, browser: 'Windows · Chrome', address: '203.0.113.9', expires_at: '2030-03-15T08:03:00+00:00', may_confirm: true,
  }, fields)
}

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(user = STAFF, query = { scene: encodeURIComponent(ID) }) {
  if (user) api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
  const page = loadPage(PAGE)
  await page.instance.onLoad(query)
  return page
}

test('扫码：告诉后端扫到了，写明是哪台电脑；点“确认登录”后电脑才登录', async () => {
  wx.server.reply('POST', `/auth/console-logins/${ID}/scan`, 200, login('scanned'))
  const page = await open()
  expect(textOf(page, '#browser')).toBe('Windows · Chrome')
  expect(textOf(page, '#address')).toBe('网络地址 203.0.113.9，2030年3月15日 星期五 16:03 前有效')
  expect(page.querySelector('#confirm-btn')).toBeDefined()

  wx.server.reply('POST', `/auth/console-logins/${ID}/confirm`, 200, login('confirmed'))
  await tap(page, '#confirm-btn')
  await until(() => page.data.status === 'confirmed')
  expect(textOf(page, '#confirmed')).toContain('电脑已登录')
  expect(textOf(page, '#confirmed')).toContain('退出所有设备')
  expect(wx.server.requests.map(r => `${r.method} ${r.path}`))
    .toEqual([`POST /auth/console-logins/${ID}/scan`, `POST /auth/console-logins/${ID}/confirm`])
})

test('不是我：取消，电脑那边显示已拒绝', async () => {
  wx.server.reply('POST', `/auth/console-logins/${ID}/scan`, 200, login('scanned'))
  const page = await open()
  wx.server.reply('POST', `/auth/console-logins/${ID}/refuse`, 200, login('refused'))
  await tap(page, '#refuse-btn')
  await until(() => page.data.status === 'refused')
  expect(textOf(page, '#refused .title')).toBe('已取消，电脑没有登录')
})

test('没有职务的居民：不能确认，只能取消', async () => {
  wx.server.reply('POST', `/auth/console-logins/${ID}/scan`, 200, login('scanned', { may_confirm: false }))
  const page = await open({ id: 42, name: '宋永华', roles: [], household: { id: 2, community_id: 1 } })
  expect(page.querySelector('#confirm-btn')).toBeUndefined()
  expect(textOf(page, '#no-role')).toContain('有职务的人')
  expect(page.querySelector('#refuse-btn')).toBeDefined()
})

test('码过期或被别人扫过：写出后端的说明，可以再试', async () => {
  wx.server.reply('POST', `/auth/console-logins/${ID}/scan`, 410, { error: { code: 'console_login_expired', message: '登录码已过期，请在电脑上刷新后重新扫码', details: {} } })
  const page = await open()
  expect(textOf(page, '#error')).toBe('登录码已过期，请在电脑上刷新后重新扫码')
  wx.server.reply('POST', `/auth/console-logins/${ID}/scan`, 200, login('scanned'))
  await tap(page, '#retry-btn')
  await until(() => page.data.status === 'ask')
})

test('还没登录：先用微信登录，再告诉后端扫到了', async () => {
  wx.server.reply('POST', '/auth/login', 200, { token: 'new', expires_at: '2030-01-01T00:00:00Z', user: STAFF })
  wx.server.reply('POST', `/auth/console-logins/${ID}/scan`, 200, login('scanned'))
  const page = await open(null)
  expect(wx.server.calls('POST', `/auth/console-logins/${ID}/scan`)[0].header.Authorization).toBe('Bearer new')
  expect(page.data.status).toBe('ask')
})

test('不是登录码：不发请求，说明要扫电脑屏幕上的码', async () => {
  const page = await open(STAFF, {})
  expect(textOf(page, '#error')).toContain('电脑屏幕上的登录码')
  expect(wx.server.requests).toHaveLength(0)
})
