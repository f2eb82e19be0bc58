const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap, matterBrief: brief } = require('./page-helper')
const api = require('../utils/api')

const PAGE = 'pages/matters/matters'
const USER = { id: 42, name: '宋永华', roles: [], household: { id: 2, community_id: 1, community_name: '东海社区' } }

function shownIds(page) {
  return page.querySelectorAll('.matter-item').map(n => Number(n.dom.getAttribute('data-id')))
}

let wx
beforeEach(() => {
  wx = installWx()
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: USER })
})

test('显示我的诉求：后端给的状态文字、大事/小事/私事、类别中文名（不另读社区的类别）', async () => {
  wx.server.reply('GET', '/matters/mine', 200, {
    items: [
      brief(9, { title: '楼道堆放杂物', category: 'sanitation', category_name: '环境卫生', status: 'assigned', status_label: '已交办', matter_class: 'minor', class_label: '小事' }),
      brief(5, { title: '车位被占', category: 'parking', category_name: '停车', status: 'resolved', status_label: '已办结', matter_class: 'private', class_label: '私事' }),
      brief(3, { title: '刚反映的', category: 'street_lamp', category_name: '路灯' }),
    ],
    next_cursor: null,
  })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})

  expect(wx.server.calls('GET', '/matters/mine')[0].query).toEqual({ limit: '20' })
  expect(shownIds(page)).toEqual([9, 5, 3])
  expect(textOf(page, '#matter-9 .status')).toBe('已交办')
  expect(textOf(page, '#matter-9')).toContain('环境卫生 · 小事')
  expect(textOf(page, '#matter-5 .status')).toBe('已办结')
  expect(textOf(page, '#matter-5')).toContain('停车 · 私事') // 社区自定义分类
  expect(textOf(page, '#matter-3 .matter-meta')).toBe('路灯') // 还没分类：没有“ · 大事/小事/私事”
  expect(page.querySelector('#matter-5 .status').dom.className).toContain('status-resolved')
  expect(textOf(page, '#list-end')).toBe('没有更多了')
  expect(page.querySelector('#empty')).toBeUndefined()
  expect(wx.server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /matters/mine'])
})

test('拉到底按 cursor 加载下一页，不重复；最后一页后不再请求', async () => {
  wx.server
    .reply('GET', '/matters/mine', 200, { items: [brief(30), brief(29)], next_cursor: 29 })
    .reply('GET', '/matters/mine', 200, { items: [brief(29), brief(12)], next_cursor: null })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  expect(page.querySelector('#list-end')).toBeUndefined()

  await page.instance.onReachBottom()
  const calls = wx.server.calls('GET', '/matters/mine')
  expect(calls[1].query).toEqual({ cursor: '29', limit: '20' })
  expect(shownIds(page)).toEqual([30, 29, 12])

  await page.instance.onReachBottom()
  expect(wx.server.calls('GET', '/matters/mine')).toHaveLength(2)
  expect(textOf(page, '#list-end')).toBe('没有更多了')
})

test('加载更多失败：显示错误，“重新加载”重试那一页', async () => {
  wx.server
    .reply('GET', '/matters/mine', 200, { items: [brief(30)], next_cursor: 30 })
    .reply('GET', '/matters/mine', 503, { error: { code: 'database_unavailable', message: '服务暂时不可用', details: {} } })
    .reply('GET', '/matters/mine', 200, { items: [brief(3)], next_cursor: null })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  await page.instance.onReachBottom()
  expect(textOf(page, '#load-error')).toBe('服务暂时不可用')

  await tap(page, '#retry-btn')
  await until(() => shownIds(page).length === 2)
  expect(wx.server.calls('GET', '/matters/mine')[2].query.cursor).toBe('30')
  expect(page.querySelector('#load-error')).toBeUndefined()
})

test('点一条打开详情页', async () => {
  wx.server.reply('GET', '/matters/mine', 200, { items: [brief(9)], next_cursor: null })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  await tap(page, '#matter-9')
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/matter/matter?id=9' })
})

test('还没有诉求：显示空状态和“我要反映”按钮', async () => {
  wx.server.reply('GET', '/matters/mine', 200, { items: [], next_cursor: null })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})

  expect(textOf(page, '#empty')).toContain('您还没有反映过问题')
  expect(page.querySelector('#list-end')).toBeUndefined()
  await tap(page, '#empty-new-btn')
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/matter-new/matter-new' })
})

test('从详情页回来（再次显示）时刷新第一页；下拉刷新也是', async () => {
  wx.server
    .reply('GET', '/matters/mine', 200, { items: [brief(9)], next_cursor: null })
    .reply('GET', '/matters/mine', 200, { items: [brief(9, { status: 'withdrawn', status_label: '已撤回' })], next_cursor: null })
    .reply('GET', '/matters/mine', 200, { items: [brief(10), brief(9)], next_cursor: null })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  await page.instance.onShow() // 第一次显示：onLoad 已经读过
  expect(wx.server.calls('GET', '/matters/mine')).toHaveLength(1)

  await page.instance.onShow()
  expect(textOf(page, '#matter-9 .status')).toBe('已撤回')

  await page.instance.onPullDownRefresh()
  expect(shownIds(page)).toEqual([10, 9])
  expect(wx.stopPullDownRefresh).toHaveBeenCalled()
})

test('文字还在审核、没通过审核的：状态处写后端给的“内容审核中”“未通过内容审核”', async () => {
  wx.server.reply('GET', '/matters/mine', 200, {
    items: [
      brief(12, { text_check: 'checking', text_check_label: '内容审核中' }),
      brief(11, { status: 'withdrawn', status_label: '已撤回', text_check: 'risky', text_check_label: '未通过内容审核' }),
      brief(10, { text_check: 'unchecked' }),
    ],
    next_cursor: null,
  })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})

  expect(textOf(page, '#matter-12 .status')).toBe('内容审核中')
  expect(page.querySelector('#matter-12 .status').dom.className).toContain('status-check-checking')
  expect(textOf(page, '#matter-11 .status')).toBe('未通过内容审核')
  expect(page.querySelector('#matter-11 .status').dom.className).toContain('status-check-risky')
  expect(textOf(page, '#matter-10 .status')).toBe('待分类') // 微信没给结论：照常显示
  expect(page.querySelector('#matter-10 .status').dom.className).toContain('status-submitted')
})
