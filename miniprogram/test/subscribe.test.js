const { installWx, flush } = require('./wx-mock')

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
let api
let subscribe
beforeEach(() => {
  wx = installWx()
  // 每个测试一份新的模块：“这次打开小程序问过哪些模板”不带到下一个测试
  jest.resetModules()
  api = require('../utils/api')
  subscribe = require('../utils/subscribe')
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: { id: 1 } })
})

function asked() {
  return wx.requestSubscribeMessage.mock.calls.map(call => call[0].tmplIds)
}

test('按种类筛选，一次点击最多 3 个模板，上报结果（带幂等键、不带 errMsg）', async () => {
  const updated = TEMPLATES.map(t => Object.assign({}, t, { remaining: ['T-matter', 'T-remind'].includes(t.template_id) ? 1 : 0 }))
  wx.server.reply('POST', '/notifications/consents', 200, { items: updated })
  wx.subscribeReplies.push({ 'T-matter': 'accept', 'T-invite': 'reject', 'T-remind': 'accept' })

  const kinds = ['matter_status', 'meeting_invitation', 'meeting_reminder', 'poll_opened']
  const list = await subscribe.requestConsents(kinds, TEMPLATES)

  expect(asked()).toEqual([['T-matter', 'T-invite', 'T-remind']])
  const posts = wx.server.calls('POST', '/notifications/consents')
  expect(posts).toHaveLength(1)
  expect(posts[0].data).toEqual({ results: { 'T-matter': 'accept', 'T-invite': 'reject', 'T-remind': 'accept' } })
  expect(posts[0].header['Idempotency-Key']).toEqual(expect.any(String))
  expect(posts[0].header['Idempotency-Key'].length).toBeGreaterThan(8)
  expect(list).toEqual(updated)
  expect(wx.server.unexpected).toEqual([])
})

test('六种提醒全要：一次点击只弹一次框（次数用完的先问），其余的等下一次点击', async () => {
  const six = [
    template('matter_status', 'A', 2),
    template('meeting_invitation', 'B', 0),
    template('meeting_reminder', 'C', 1),
    template('poll_opened', 'D', 0),
    template('poll_closing', 'E', 0),
    template('poll_result', 'F', 0),
  ]
  const afterFirst = six.map(t => Object.assign({}, t, { remaining: ['B', 'D', 'E'].includes(t.template_id) ? 1 : t.remaining }))
  wx.server.reply('POST', '/notifications/consents', 200, { items: afterFirst })
  wx.server.reply('POST', '/notifications/consents', 200, { items: afterFirst })

  const list = await subscribe.requestConsents(subscribe.ALL_KINDS, six)
  expect(asked()).toEqual([['B', 'D', 'E']])
  expect(Object.keys(wx.server.calls('POST', '/notifications/consents')[0].data.results)).toEqual(['B', 'D', 'E'])

  await subscribe.requestConsents(subscribe.ALL_KINDS, list)
  expect(asked()).toEqual([['B', 'D', 'E'], ['F', 'A', 'C']])
})

test('这次拒绝了的，下一次点击排在还没问过的后面', async () => {
  const six = subscribe.ALL_KINDS.map((kind, i) => template(kind, `K${i}`))
  wx.subscribeReplies.push({ K0: 'reject', K1: 'reject', K2: 'reject' })
  wx.server.reply('POST', '/notifications/consents', 200, { items: six })

  await subscribe.requestConsents(subscribe.ALL_KINDS, six)
  wx.subscribeReplies.push({ fail: { errCode: 10005 } })
  await subscribe.requestConsents(subscribe.ALL_KINDS, six)

  expect(asked()).toEqual([['K0', 'K1', 'K2'], ['K3', 'K4', 'K5']])
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
  await expect(subscribe.requestConsents(subscribe.ALL_KINDS, [])).resolves.toEqual([])

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

test('上报后端失败：reject，由调用方处理（api.js 已弹提示）', async () => {
  wx.server.reply('POST', '/notifications/consents', 422, { error: { code: 'validation_error', message: '提交的内容有误', details: {} } })

  const err = await subscribe.requestConsents(['matter_status'], TEMPLATES).catch(e => e)

  expect(err).toBeInstanceOf(Error)
  expect(err.status).toBe(422)
  await flush()
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '提交的内容有误' }))
})
