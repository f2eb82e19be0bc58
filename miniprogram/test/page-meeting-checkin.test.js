// 微信“扫一扫”扫会场签到码（小程序码）打开的落地页 pages/meeting/checkin?scene=…
const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const api = require('../utils/api')

const PAGE = 'pages/meeting/checkin'
const SCENE = '7-2b5c3a1-a1b2c3d4e5f6'
const USER = { id: 42, name: '宋永华', roles: [], household: { id: 2, community_id: 1 } }
const SIGNED = { id: 7, title: '3幢楼道改造意见会', present: true }

let wx
beforeEach(() => {
  wx = installWx()
})

test('query.scene（URL 编码过）→ POST /meetings/checkins {scene}，成功后打开会议详情', async () => {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: USER })
  wx.server.reply('POST', '/meetings/checkins', 200, SIGNED)
  const page = loadPage(PAGE)
  await page.instance.onLoad({ scene: encodeURIComponent(SCENE) })

  expect(wx.server.calls('POST', '/meetings/checkins').map(r => r.data)).toEqual([{ scene: SCENE }])
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已签到' }))
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/meeting/meeting?id=7' })
})

test('还没登录：先用微信登录，再签到', async () => {
  wx.server.reply('POST', '/auth/login', 200, { token: 'new', expires_at: '2030-01-01T00:00:00Z', user: USER })
  wx.server.reply('POST', '/meetings/checkins', 200, SIGNED)
  const page = loadPage(PAGE)
  await page.instance.onLoad({ scene: SCENE })

  expect(wx.server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['POST /auth/login', 'POST /meetings/checkins'])
  expect(wx.server.calls('POST', '/meetings/checkins')[0].header.Authorization).toBe('Bearer new')
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/meeting/meeting?id=7' })
})

test('签到失败：显示后端的说明；“再试一次”沿用同一个键', async () => {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: USER })
  wx.server.reply('POST', '/meetings/checkins', 409, { error: { code: 'checkin_closed', message: '不在签到时间内', details: {} } })
  const page = loadPage(PAGE)
  await page.instance.onLoad({ scene: SCENE })
  expect(textOf(page, '#checkin-error')).toBe('不在签到时间内')
  expect(wx.redirectTo).not.toHaveBeenCalled()

  wx.server.reply('POST', '/meetings/checkins', 200, SIGNED)
  await tap(page, '#retry-btn')
  await until(() => wx.redirectTo.mock.calls.length === 1)
  const keys = wx.server.calls('POST', '/meetings/checkins').map(r => r.header['Idempotency-Key'])
  expect(keys).toHaveLength(2)
  expect(keys[0]).toBeTruthy()
  expect(keys[1]).toBe(keys[0])
  expect(wx.server.unexpected).toEqual([])
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/meeting/meeting?id=7' })
})

test('没有 scene：不请求后端，提示不是签到码', async () => {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: USER })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  expect(textOf(page, '#checkin-error')).toBe('这不是会议签到码，请扫会场上的签到码')
  expect(wx.request).not.toHaveBeenCalled()
})
