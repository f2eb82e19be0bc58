const { installWx, flush } = require('./wx-mock')
const api = require('../utils/api')
const subscribe = require('../utils/subscribe')

function template(kind, id, remaining = 0) {
  return { kind, label: `${kind} 提醒`, template_id: id, remaining }
}

const TEMPLATES = [
  template('matter_status', 'T-matter'),
  template('meeting_invitation', 'T-invite'),
  template('meeting_reminder', 'T-remind'),
  template('poll_opened', 'T-opened'),
  template('poll_closing', 'T-closing'),
]

let wx
beforeEach(() => {
  wx = installWx()
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: { id: 1 } })
})

function asked() {
  return wx.requestSubscribeMessage.mock.calls.map(call => call[0].tmplIds)
}

test('读取已配置的模板，按种类筛选，每次最多 3 个，上报结果（带幂等键、不带 errMsg）', async () => {
  const updated = TEMPLATES.map(t => Object.assign({}, t, { remaining: t.template_id === 'T-closing' ? 0 : 1 }))
  wx.server.reply('GET', '/notifications/consents', 200, { items: TEMPLATES })
  wx.server.reply('POST', '/notifications/consents', 200, { items: updated })
  wx.subscribeReplies.push({ 'T-matter': 'accept', 'T-invite': 'reject', 'T-remind': 'accept' })
  wx.subscribeReplies.push({ 'T-opened': 'accept' })

  const kinds = ['matter_status', 'meeting_invitation', 'meeting_reminder', 'poll_opened']
  const list = await subscribe.requestConsents(kinds)

  expect(asked()).toEqual([['T-matter', 'T-invite', 'T-remind'], ['T-opened']])
  const posts = wx.server.calls('POST', '/notifications/consents')
  expect(posts).toHaveLength(1)
  expect(posts[0].data).toEqual({
    results: { 'T-matter': 'accept', 'T-invite': 'reject', 'T-remind': 'accept', 'T-opened': 'accept' },
  })
  expect(posts[0].header['Idempotency-Key']).toEqual(expect.any(String))
  expect(posts[0].header['Idempotency-Key'].length).toBeGreaterThan(8)
  expect(list).toEqual(updated)
  expect(wx.server.unexpected).toEqual([])
})

test('六种提醒全要：分两次弹框（3 + 3），次数用完的先问', async () => {
  const six = [
    template('matter_status', 'A', 2),
    template('meeting_invitation', 'B', 0),
    template('meeting_reminder', 'C', 1),
    template('poll_opened', 'D', 0),
    template('poll_closing', 'E', 0),
    template('poll_result', 'F', 0),
  ]
  wx.server.reply('POST', '/notifications/consents', 200, { items: six })

  await subscribe.requestConsents(subscribe.ALL_KINDS, six)

  expect(asked()).toEqual([['B', 'D', 'E'], ['F', 'A', 'C']])
  for (const ids of asked()) expect(ids.length).toBeLessThanOrEqual(3)
  expect(Object.keys(wx.server.calls('POST', '/notifications/consents')[0].data.results).sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F'])
})

test('传入模板列表时，不等任何请求就同步弹出授权框（微信要求由点击直接触发）', async () => {
  wx.server.reply('POST', '/notifications/consents', 200, { items: TEMPLATES })

  const promise = subscribe.requestConsents(['matter_status'], TEMPLATES)

  // 还没有让出执行权，授权框就已经调起了
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)
  expect(wx.request).not.toHaveBeenCalled()
  await promise
  expect(asked()).toEqual([['T-matter']])
  expect(wx.server.calls('GET', '/notifications/consents')).toHaveLength(0)
})

test('后端没有配置模板：不调用微信，不上报，返回空列表', async () => {
  wx.server.reply('GET', '/notifications/consents', 200, { items: [] })

  await expect(subscribe.requestConsents(subscribe.ALL_KINDS)).resolves.toEqual([])

  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled()
  expect(wx.server.calls('POST', '/notifications/consents')).toHaveLength(0)
})

test('要的种类都没有配置模板：不调用微信', async () => {
  const list = await subscribe.requestConsents(['poll_result'], TEMPLATES)
  expect(list).toBe(TEMPLATES)
  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled()
  expect(wx.request).not.toHaveBeenCalled()
})

test('用户取消或关了订阅总开关（fail，errCode 20004）：不抛错，不上报，返回原列表', async () => {
  wx.subscribeReplies.push({ fail: { errCode: 20004, errMsg: 'requestSubscribeMessage:fail The main switch is switched off' } })

  const list = await subscribe.requestConsents(['matter_status', 'meeting_invitation'], TEMPLATES)

  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)
  expect(list).toBe(TEMPLATES)
  expect(wx.request).not.toHaveBeenCalled()
  expect(wx.showToast).not.toHaveBeenCalled()
})

test('第二批失败：只上报第一批的结果', async () => {
  wx.server.reply('POST', '/notifications/consents', 200, { items: TEMPLATES })
  wx.subscribeReplies.push({ 'T-matter': 'accept', 'T-invite': 'ban', 'T-remind': 'filter' })
  wx.subscribeReplies.push({ fail: { errCode: 10005 } })

  await subscribe.requestConsents(subscribe.ALL_KINDS, TEMPLATES)

  expect(asked()).toHaveLength(2)
  expect(wx.server.calls('POST', '/notifications/consents')[0].data).toEqual({
    results: { 'T-matter': 'accept', 'T-invite': 'ban', 'T-remind': 'filter' },
  })
})

test('上报后端失败：reject，由调用方处理（api.js 已弹提示）', async () => {
  wx.server.reply('POST', '/notifications/consents', 422, { error: { code: 'validation_error', message: '提交的内容有误', details: {} } })

  const err = await subscribe.requestConsents(['matter_status'], TEMPLATES).catch(e => e)

  expect(err).toBeInstanceOf(Error)
  expect(err.status).toBe(422)
  await flush()
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '提交的内容有误' }))
})
