const { installWx, until, flush } = require('./wx-mock')
const { loadPage, textOf, tap, attr, dispatch } = require('./page-helper')
const api = require('../utils/api')

const PAGE = 'pages/notifications/notifications'

function notice(id, fields = {}) {
  return Object.assign({
    id,
    kind: 'matter_status',
    title: `消息${id}`,
    body: `内容${id}`,
    page: null,
    payload: {},
    created_at: new Date(Date.now() - 5 * 60 * 1000).toISOString(),
    read_at: null,
  }, fields)
}

const READ = { read_at: '2030-01-01T00:00:00Z' }

// 列表里各条消息的 id（按显示顺序）
function itemIds(page) {
  return page.querySelectorAll('.notice-item').map(node => Number(node.dom.getAttribute('data-id')))
}

// 带红点（未读）的消息 id
function unreadIds(page) {
  return itemIds(page).filter(id => page.querySelector(`#notice-${id} .unread-dot`) !== undefined)
}

let wx
beforeEach(() => {
  wx = installWx()
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: { id: 1 } })
  // 没有配置微信模板时后端给空的提醒设置；要测设置的用 reply 排在前面
  wx.server.always('GET', '/notifications/preferences', 200, { items: [] })
})

// 打开消息页：第一页消息 + 微信提醒模板
async function open(items, { nextCursor = null, consents = [] } = {}) {
  wx.server.reply('GET', '/notifications', 200, { items, next_cursor: nextCursor })
  wx.server.reply('GET', '/notifications/consents', 200, { items: consents })
  const page = loadPage(PAGE)
  await page.instance.onLoad()
  return page
}

test('显示消息（新的在前）：标题、内容、相对时间，未读的有红点', async () => {
  const page = await open([
    notice(9, { title: '您反映的问题已受理', body: '3栋楼道灯已派人维修', created_at: new Date(Date.now() - 3 * 60 * 1000).toISOString() }),
    notice(7, Object.assign({ title: '院坝会通知' }, READ)),
    notice(4),
  ])

  const first = wx.server.calls('GET', '/notifications')[0]
  expect(first.query).toEqual({ limit: '20' })
  expect(first.header.Authorization).toBe('Bearer tok')
  expect(itemIds(page)).toEqual([9, 7, 4])
  expect(textOf(page, '#notice-9')).toContain('您反映的问题已受理')
  expect(textOf(page, '#notice-9')).toContain('3栋楼道灯已派人维修')
  expect(textOf(page, '#notice-9')).toContain('3分钟前')
  expect(unreadIds(page)).toEqual([9, 4])
  expect(page.querySelector('#empty')).toBeUndefined()
  expect(textOf(page, '#read-all-btn')).toBe('全部已读')
  expect(wx.server.unexpected).toEqual([])
})

test('每条消息下面写微信提醒发出去没有（wechat_label），没有就不写', async () => {
  const page = await open([
    notice(9, { wechat_label: '已发送微信提醒' }),
    notice(8, { wechat_label: '未发送微信提醒：未订阅' }),
    notice(7, { wechat_label: '只在消息里，不发微信提醒' }),
    notice(6),
  ])

  expect(textOf(page, '#notice-9 .notice-wechat')).toBe('已发送微信提醒')
  expect(textOf(page, '#notice-8 .notice-wechat')).toBe('未发送微信提醒：未订阅')
  expect(textOf(page, '#notice-7 .notice-wechat')).toBe('只在消息里，不发微信提醒')
  expect(page.querySelector('#notice-6 .notice-wechat')).toBeUndefined()
})

test('未登录时打开消息页：去登录页，不请求后端', async () => {
  api.clearSession()
  const page = loadPage(PAGE)
  await page.instance.onLoad()
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
  expect(wx.request).not.toHaveBeenCalled()
})

test('加载更多失败：显示错误，“重新加载”带着同一个 cursor 再试，不丢已有的消息', async () => {
  const page = await open([notice(9)], { nextCursor: 'c-9' })
  wx.server.networkFail('GET', '/notifications').networkFail('GET', '/notifications').networkFail('GET', '/notifications')
  jest.useFakeTimers()
  try {
    const loading = page.instance.onReachBottom()
    await jest.advanceTimersByTimeAsync(10000)
    await loading
  } finally {
    jest.useRealTimers()
  }
  expect(textOf(page, '#load-error')).toBe('网络不给力，请稍后再试')
  expect(itemIds(page)).toEqual([9])

  wx.server.reply('GET', '/notifications', 200, { items: [notice(8)], next_cursor: null })
  await tap(page, '#retry-btn')
  await until(() => itemIds(page).length === 2)
  const calls = wx.server.calls('GET', '/notifications')
  expect(calls[calls.length - 1].query).toEqual({ cursor: 'c-9', limit: '20' })
  expect(itemIds(page)).toEqual([9, 8])
  expect(page.querySelector('#load-error')).toBeUndefined()
})

test('没有消息：显示“暂无消息”，不显示“全部已读”', async () => {
  const page = await open([])
  expect(textOf(page, '#empty')).toBe('暂无消息')
  expect(page.querySelectorAll('.notice-item')).toHaveLength(0)
  expect(page.querySelector('#read-all-btn')).toBeUndefined()
})

test('拉到底加载更多：带上 next_cursor，接在后面；没有下一页就不再请求', async () => {
  const page = await open([notice(9), notice(8)], { nextCursor: 'c-8' })
  wx.server.reply('GET', '/notifications', 200, { items: [notice(5), notice(3, READ)], next_cursor: null })

  await page.instance.onReachBottom()

  const calls = wx.server.calls('GET', '/notifications')
  expect(calls).toHaveLength(2)
  expect(calls[1].query).toEqual({ cursor: 'c-8', limit: '20' })
  expect(itemIds(page)).toEqual([9, 8, 5, 3])
  expect(page.querySelector('#list-end')).toBeDefined()

  await page.instance.onReachBottom()
  expect(wx.server.calls('GET', '/notifications')).toHaveLength(2)
})

test('点一条未读消息：标为已读（POST /notifications/{id}/read），打开它的页面', async () => {
  const page = await open([notice(9, { page: 'pages/join/join' }), notice(8)])
  wx.server.reply('POST', '/notifications/9/read', 200, notice(9, Object.assign({ page: 'pages/join/join' }, READ)))

  await tap(page, '#notice-9')
  await until(() => wx.server.calls('POST', '/notifications/9/read').length > 0)
  await flush()

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/join/join' })
  expect(unreadIds(page)).toEqual([8])
  expect(wx.server.unexpected).toEqual([])
})

test('诉求的消息：打开 pages/matter/matter?id=N（带着诉求编号）', async () => {
  const page = await open([notice(9, { page: 'pages/matter/matter?id=31' })])
  wx.server.reply('POST', '/notifications/9/read', 200, notice(9, Object.assign({ page: 'pages/matter/matter?id=31' }, READ)))

  await tap(page, '#notice-9')
  await until(() => wx.server.calls('POST', '/notifications/9/read').length > 0)
  await flush()

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/matter/matter?id=31' })
  expect(require('../app.json').pages).toContain('pages/matter/matter')
})

test('已读的消息再点不再上报；没有页面的消息只标已读不跳转', async () => {
  const page = await open([notice(9, Object.assign({ page: 'pages/index/index' }, READ)), notice(8)])
  wx.server.reply('POST', '/notifications/8/read', 200, notice(8, READ))

  await tap(page, '#notice-9')
  await flush()
  expect(wx.server.calls('POST', '/notifications/9/read')).toHaveLength(0)
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/index/index' })

  await tap(page, '#notice-8')
  await until(() => wx.server.calls('POST', '/notifications/8/read').length > 0)
  await flush()
  expect(wx.navigateTo).toHaveBeenCalledTimes(1)
  expect(unreadIds(page)).toEqual([])
})

test('标已读失败：恢复成未读', async () => {
  const page = await open([notice(9)])
  wx.server.reply('POST', '/notifications/9/read', 503, { error: { code: 'database_unavailable', message: '服务暂时不可用', details: {} } })

  await page.instance.onTapItem({ currentTarget: { dataset: { id: 9 } } })

  expect(unreadIds(page)).toEqual([9])
})

test('全部已读：up_to_id 是已加载的最大 id，之后页面上没有未读', async () => {
  const page = await open([notice(12), notice(10, READ), notice(7)], { nextCursor: 'c-7' })
  wx.server.reply('GET', '/notifications', 200, { items: [notice(6), notice(2)], next_cursor: null })
  await page.instance.onReachBottom()
  wx.server.reply('POST', '/notifications/read-all', 200, { marked: 4, unread: 0 })
  expect(unreadIds(page)).toEqual([12, 7, 6, 2])

  await tap(page, '#read-all-btn')
  await until(() => page.querySelector('#read-all-btn') === undefined)

  const posts = wx.server.calls('POST', '/notifications/read-all')
  expect(posts).toHaveLength(1)
  expect(posts[0].data).toEqual({ up_to_id: 12 })
  expect(unreadIds(page)).toEqual([])
  expect(page.querySelectorAll('.notice-item')).toHaveLength(5)
})

test('下拉刷新：重新读第一页并替换列表，然后收起刷新', async () => {
  const page = await open([notice(3)], { nextCursor: 'c-3' })
  wx.server.reply('GET', '/notifications', 200, { items: [notice(4), notice(3)], next_cursor: null })
  wx.server.reply('GET', '/notifications/consents', 200, { items: [] })

  await page.instance.onPullDownRefresh()

  expect(wx.server.calls('GET', '/notifications')[1].query).toEqual({ limit: '20' })
  expect(itemIds(page)).toEqual([4, 3])
  expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)
})

test('加载失败：显示错误说明和“重新加载”，点了重新读取', async () => {
  wx.server.reply('GET', '/notifications', 503, { error: { code: 'database_unavailable', message: '服务暂时不可用，请稍后再试', details: {} } })
  wx.server.reply('GET', '/notifications/consents', 200, { items: [] })
  const page = loadPage(PAGE)
  await page.instance.onLoad()

  expect(textOf(page, '#load-error')).toBe('服务暂时不可用，请稍后再试')
  expect(page.querySelector('#empty')).toBeUndefined()

  wx.server.reply('GET', '/notifications', 200, { items: [notice(1)], next_cursor: null })
  await tap(page, '#retry-btn')
  await until(() => page.querySelector('#notice-1') !== undefined)
  expect(page.querySelector('#load-error')).toBeUndefined()
})

describe('开启微信提醒', () => {
  const CONSENTS = [
    { kind: 'matter_status', label: '诉求进度提醒', template_id: 'T1', remaining: 0 },
    { kind: 'meeting_invitation', label: '会议邀请', template_id: 'T2', remaining: 2 },
  ]

  test('有提醒没有次数时显示按钮；点了弹授权框、上报，提示“已开启提醒”，按钮消失', async () => {
    const page = await open([notice(1)], { consents: CONSENTS })
    expect(textOf(page, '#remind-btn')).toBe('开启微信提醒')
    wx.server.reply('POST', '/notifications/consents', 200, {
      items: [Object.assign({}, CONSENTS[0], { remaining: 1 }), Object.assign({}, CONSENTS[1], { remaining: 3 })],
    })

    await tap(page, '#remind-btn')
    await until(() => wx.showToast.mock.calls.length > 0)

    // 点击的同时调起授权框：所有种类都问，没有次数的在前
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['T1', 'T2'])
    const post = wx.server.calls('POST', '/notifications/consents')[0]
    expect(post.data).toEqual({ results: { T1: 'accept', T2: 'accept' } })
    expect(post.header['Idempotency-Key']).toEqual(expect.any(String))
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已开启提醒' }))
    await flush()
    expect(page.querySelector('#remind-btn')).toBeUndefined()
  })

  test('用户在授权框里取消：不上报，不提示“已开启”，按钮还在', async () => {
    const page = await open([notice(1)], { consents: CONSENTS })
    wx.subscribeReplies.push({ fail: { errCode: 20004 } })

    await tap(page, '#remind-btn')
    await flush()
    await flush()

    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)
    expect(wx.server.calls('POST', '/notifications/consents')).toHaveLength(0)
    expect(wx.showToast).not.toHaveBeenCalled()
    expect(page.querySelector('#remind-btn')).toBeDefined()
    expect(page.data.subscribing).toBe(false)
  })

  test('次数都还有，或后端没配置模板：不显示按钮', async () => {
    const enough = await open([notice(1)], { consents: [Object.assign({}, CONSENTS[0], { remaining: 1 })] })
    expect(enough.querySelector('#remind-btn')).toBeUndefined()

    const none = await open([notice(1)], { consents: [] })
    expect(none.querySelector('#remind-btn')).toBeUndefined()
  })
})

describe('微信提醒设置（每类消息发不发微信）', () => {
  const PREFERENCES = [
    { kind: 'matter_status', label: '诉求进度提醒', wechat: true, hint: '' },
    { kind: 'matter_comment', label: '诉求留言', wechat: false, hint: '每件诉求每天最多提醒一次，用的是诉求进度提醒的次数' },
  ]

  async function openWithSettings(preferences = PREFERENCES) {
    wx.server.reply('GET', '/notifications/preferences', 200, { items: preferences })
    const page = await open([notice(1)])
    await tap(page, '#settings-toggle')
    await flush()
    return page
  }

  function switchedOn(page, kind) {
    return attr(page, `#switch-${kind}`, 'checked')
  }

  test('展开后每类一个开关：名称、说明、现在开没开（留言默认关着）', async () => {
    const page = await openWithSettings()
    expect(wx.server.calls('GET', '/notifications/preferences')).toHaveLength(1)
    expect(textOf(page, '#pref-matter_status')).toBe('诉求进度提醒')
    expect(textOf(page, '#pref-matter_comment')).toContain('每件诉求每天最多提醒一次')
    expect(switchedOn(page, 'matter_status')).toBe(true)
    expect(switchedOn(page, 'matter_comment')).toBe(false)
    expect(wx.server.unexpected).toEqual([])

    await tap(page, '#settings-toggle')
    await flush()
    expect(page.querySelector('#pref-matter_status')).toBeUndefined()
  })

  test('打开留言提醒：PUT {kind, wechat}，按后端返回显示，提示“已开启微信提醒”', async () => {
    const page = await openWithSettings()
    wx.server.reply('PUT', '/notifications/preferences', 200, {
      items: [PREFERENCES[0], Object.assign({}, PREFERENCES[1], { wechat: true })],
    })

    await dispatch(page, '#switch-matter_comment', 'change', { detail: { value: true } })
    await until(() => wx.showToast.mock.calls.length > 0)

    const puts = wx.server.calls('PUT', '/notifications/preferences')
    expect(puts).toHaveLength(1)
    expect(puts[0].data).toEqual({ kind: 'matter_comment', wechat: true })
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已开启微信提醒' }))
    await flush()
    expect(switchedOn(page, 'matter_comment')).toBe(true)
    expect(page.data.savingKind).toBe('')
  })

  test('关掉没存上：开关回到原来的样子', async () => {
    const page = await openWithSettings()
    wx.server.reply('PUT', '/notifications/preferences', 422, {
      error: { code: 'validation_error', message: '类型：填写有误', details: {} },
    })

    await dispatch(page, '#switch-matter_status', 'change', { detail: { value: false } })
    await until(() => wx.server.calls('PUT', '/notifications/preferences').length > 0)
    await flush()
    await flush()

    expect(switchedOn(page, 'matter_status')).toBe(true)
    expect(wx.showToast).not.toHaveBeenCalledWith(expect.objectContaining({ title: '已关闭微信提醒' }))
    expect(page.data.savingKind).toBe('')
  })

  test('后端没有可设置的提醒（没配置微信模板）：不显示设置', async () => {
    const page = await open([notice(1)])
    expect(page.querySelector('#settings')).toBeUndefined()
  })
})
