const { installWx } = require('./wx-mock')
const api = require('../utils/api')
const auth = require('../utils/auth')

const USER = { id: 3, name: '李叔', phone: null, roles: [{ role: 'resident', scope_id: null, scope_name: null }], household: null }

let wx
beforeEach(() => {
  wx = installWx()
})

test('login：wx.login 的 code 交给 /auth/login，保存 token 和用户', async () => {
  wx.loginCodes.push('code-abc')
  wx.server.reply('POST', '/auth/login', 200, { token: 'tok-1', expires_at: '2030-01-01T00:00:00Z', user: USER })

  const result = await auth.login()

  expect(result.user).toEqual(USER)
  expect(wx.server.requests[0]).toMatchObject({ method: 'POST', path: '/auth/login', data: { code: 'code-abc' } })
  expect(api.getToken()).toBe('tok-1')
  expect(api.getUser()).toEqual(USER)
  expect(api.getTokenExpiresAt()).toBe('2030-01-01T00:00:00Z')
  expect(auth.isLoggedIn()).toBe(true)
})

test('login：wx.login 失败时报中文错误，不请求后端', async () => {
  wx.loginShouldFail = true
  const err = await auth.login().catch(e => e)
  expect(err.code).toBe('wx_login_failed')
  expect(err.message).toMatch(/微信登录/)
  expect(wx.request).not.toHaveBeenCalled()
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: err.message }))
})

test('refresh：换新 token', async () => {
  api.saveSession({ token: 'old', expires_at: '2030-01-01T00:00:00Z', user: USER })
  wx.server.reply('POST', '/auth/refresh', 200, { token: 'newer', expires_at: '2030-02-01T00:00:00Z', user: USER })

  await auth.refresh()

  expect(wx.server.requests[0].header.Authorization).toBe('Bearer old')
  expect(api.getToken()).toBe('newer')
  expect(api.getTokenExpiresAt()).toBe('2030-02-01T00:00:00Z')
})

test('refreshIfExpiring：只在 24 小时内过期时续期', async () => {
  const now = Date.parse('2030-01-01T00:00:00Z')
  api.saveSession({ token: 'old', expires_at: '2030-01-05T00:00:00Z', user: USER })
  await expect(auth.refreshIfExpiring(now)).resolves.toBe(false)
  expect(wx.request).not.toHaveBeenCalled()

  api.saveSession({ token: 'old', expires_at: '2030-01-01T12:00:00Z', user: USER })
  wx.server.reply('POST', '/auth/refresh', 200, { token: 'newer', expires_at: '2030-01-08T00:00:00Z', user: USER })
  await expect(auth.refreshIfExpiring(now)).resolves.toBe(true)
  expect(api.getToken()).toBe('newer')
})

test('logout：通知后端并清掉本地登录状态', async () => {
  api.saveSession({ token: 'tok-1', expires_at: '2030-01-01T00:00:00Z', user: USER })
  wx.server.reply('POST', '/auth/logout', 204)

  await auth.logout()

  expect(wx.server.requests[0]).toMatchObject({ method: 'POST', path: '/auth/logout' })
  expect(wx.server.requests[0].header.Authorization).toBe('Bearer tok-1')
  expect(api.getToken()).toBe('')
  expect(api.getUser()).toBeNull()
  expect(auth.isLoggedIn()).toBe(false)
})

test('logout：后端 401 也不重新登录，照样清掉本地状态', async () => {
  api.saveSession({ token: 'stale', expires_at: '2030-01-01T00:00:00Z', user: USER })
  wx.server.reply('POST', '/auth/logout', 401, { error: { code: 'invalid_token', message: '登录已失效' } })

  await auth.logout()

  expect(wx.login).not.toHaveBeenCalled()
  expect(wx.request).toHaveBeenCalledTimes(1)
  expect(api.getToken()).toBe('')
  expect(wx.showToast).not.toHaveBeenCalled()
})

test('currentUser：缓存里有要的那一项就不请求；没有时静默读 /me 并存起来；读不到时 reject 不弹提示', async () => {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: USER })
  await expect(auth.currentUser('roles')).resolves.toEqual(USER)
  expect(wx.request).not.toHaveBeenCalled()

  const withHousehold = Object.assign({}, USER, { household: { id: 2, community_id: 1 } })
  wx.server.reply('GET', '/me', 200, withHousehold)
  await expect(auth.currentUser('household')).resolves.toEqual(withHousehold)
  expect(api.getUser()).toEqual(withHousehold)

  api.setUser({ id: 3 })
  wx.server.reply('GET', '/me', 503, { error: { code: 'database_unavailable', message: '服务暂时不可用', details: {} } })
  await expect(auth.currentUser('roles')).rejects.toMatchObject({ status: 503 })
  expect(wx.showToast).not.toHaveBeenCalled()
  expect(api.getUser()).toEqual({ id: 3 })
})
