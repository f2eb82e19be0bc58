const { installWx, until, flush } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const api = require('../utils/api')

const HOUSEHOLD = {
  id: 11, community_id: 1, community_name: '幸福里社区', building_id: 3,
  building_name: '3栋', unit: '2', room: '501', is_head: true,
}

function loginReply(household) {
  return { token: 'tok-login', expires_at: '2030-01-01T00:00:00Z', user: { id: 1, name: '张大爷', phone: null, roles: [], household } }
}

let wx
beforeEach(() => {
  wx = installWx()
})

test('显示“微信登录”按钮，未点击前不请求后端', () => {
  const page = loadPage('pages/login/login')
  expect(textOf(page, '#login-btn')).toBe('微信登录')
  expect(page.querySelector('#login-error')).toBeUndefined()
  expect(wx.request).not.toHaveBeenCalled()
})

test('点击登录：已绑定住户的用户进首页', async () => {
  wx.loginCodes.push('code-1')
  wx.server.reply('POST', '/auth/login', 200, loginReply(HOUSEHOLD))
  const page = loadPage('pages/login/login')

  await tap(page, '#login-btn')
  await until(() => wx.reLaunch.mock.calls.length > 0)

  expect(wx.server.requests).toHaveLength(1)
  expect(wx.server.requests[0]).toMatchObject({ method: 'POST', path: '/auth/login', data: { code: 'code-1' } })
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' })
  expect(api.getToken()).toBe('tok-login')
  await flush()
  expect(page.data.loading).toBe(false)
})

test('点击登录：还没绑定住户的用户去绑定页', async () => {
  wx.server.reply('POST', '/auth/login', 200, loginReply(null))
  const page = loadPage('pages/login/login')

  await tap(page, '#login-btn')
  await until(() => wx.reLaunch.mock.calls.length > 0)

  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/join/join' })
})

test('登录失败：页面上显示后端的中文说明，留在登录页', async () => {
  wx.server.reply('POST', '/auth/login', 503, { error: { code: 'wechat_unavailable', message: '微信服务暂时不可用，请稍后再试', details: {} } })
  const page = loadPage('pages/login/login')

  await tap(page, '#login-btn')
  await until(() => page.querySelector('#login-error') !== undefined)

  expect(textOf(page, '#login-error')).toBe('微信服务暂时不可用，请稍后再试')
  expect(wx.reLaunch).not.toHaveBeenCalled()
  expect(api.getToken()).toBe('')
  expect(page.data.loading).toBe(false)
})

test('登录进行中重复点击不会重复登录', async () => {
  wx.server.reply('POST', '/auth/login', 200, loginReply(null))
  const page = loadPage('pages/login/login')

  await tap(page, '#login-btn')
  await tap(page, '#login-btn')
  await until(() => wx.reLaunch.mock.calls.length > 0)
  await flush()

  expect(wx.login).toHaveBeenCalledTimes(1)
  expect(wx.server.requests).toHaveLength(1)
})
