const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const api = require('../utils/api')
const { API_BASE } = require('../config')

const PAGE = 'pages/stats/stats'
const STAFF = { id: 2, name: '王海燕', roles: [{ role: 'staff', scope_id: 1, scope_name: '东海社区' }], household: null }
const RESIDENT = { id: 42, name: '宋永华', roles: [{ role: 'resident', scope_id: 2, scope_name: null }], household: { id: 2, community_id: 1 } }
const STATS = {
  total: 12,
  by_class: { major: 2, minor: 8, private: 1, unclassified: 1 },
  by_status: { resolved: 5, submitted: 1 },
  by_grid: { 第一网格: 9, 第二网格: 3 },
  median_days_to_resolution: 3.5,
  satisfaction: { count: 4, average: 4.25, distribution: { 1: 0, 2: 0, 3: 1, 4: 1, 5: 2 } },
}

let wx
beforeEach(() => {
  wx = installWx()
  wx.downloadFile = jest.fn()
  wx.openDocument = jest.fn(opts => opts.success && opts.success())
})

async function open(user) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  return page
}

function barWidth(page, selector) {
  return page.querySelector(`${selector} .bar`).dom.getAttribute('style')
}

test('本月 1 日到今天的数字：总数、大事/小事/私事/未分类的横条、各网格、办结天数、满意度', async () => {
  wx.server.reply('GET', '/communities/1/matter-stats', 200, STATS)
  const page = await open(STAFF)
  const { query } = wx.server.calls('GET', '/communities/1/matter-stats')[0]
  expect(query.from).toMatch(/^\d{4}-\d{2}-01$/)
  expect(query.to).toBe(page.data.to)
  expect(textOf(page, '#total')).toBe('共 12 件诉求')
  expect(textOf(page, '#class-minor')).toBe('小事8')
  expect(textOf(page, '#class-unclassified')).toBe('未分类1')
  expect(barWidth(page, '#class-minor')).toContain('100%')
  expect(barWidth(page, '#class-major')).toContain('25%')
  expect(page.querySelectorAll('.grid-row').map(n => n.dom.textContent.replace(/\s+/g, ''))).toEqual(['第一网格9', '第二网格3'])
  expect(textOf(page, '#median-days')).toBe('办结用时（中位数）：3.5 天')
  expect(textOf(page, '#satisfaction')).toBe('群众评议：4 件，平均 4.25 星')
})

test('换开始日期就按新时间段重读', async () => {
  wx.server.reply('GET', '/communities/1/matter-stats', 200, STATS)
  const page = await open(STAFF)
  wx.server.reply('GET', '/communities/1/matter-stats', 200, Object.assign({}, STATS, { total: 30, median_days_to_resolution: null }))
  await page.instance.onPickFrom({ detail: { value: '2025-01-01' } })
  expect(wx.server.calls('GET', '/communities/1/matter-stats')[1].query.from).toBe('2025-01-01')
  expect(textOf(page, '#total')).toBe('共 30 件诉求')
  expect(textOf(page, '#median-days')).toBe('办结用时（中位数）：还没有办结的')
})

test('下载三事归类单：带 Authorization 下载这段时间的 .xlsx，再用 openDocument 打开', async () => {
  wx.server.reply('GET', '/communities/1/matter-stats', 200, STATS)
  const page = await open(STAFF)
  await tap(page, '#download-btn')
  const [opts] = wx.downloadFile.mock.calls[0]
  expect(opts.url).toBe(`${API_BASE}/communities/1/triage-sheet?from=${page.data.from}&to=${page.data.to}`)
  expect(opts.header).toEqual({ Authorization: 'Bearer tok' })
  opts.success({ statusCode: 200, tempFilePath: '/tmp/triage.xlsx' })
  expect(wx.openDocument).toHaveBeenCalledWith(expect.objectContaining({ filePath: '/tmp/triage.xlsx', fileType: 'xlsx' }))
  await until(() => !page.data.downloading)
})

test('下载出错（非 200）：提示，不打开', async () => {
  wx.server.reply('GET', '/communities/1/matter-stats', 200, STATS)
  const page = await open(STAFF)
  await tap(page, '#download-btn')
  wx.downloadFile.mock.calls[0][0].success({ statusCode: 403, tempFilePath: '/tmp/x' })
  expect(wx.openDocument).not.toHaveBeenCalled()
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '下载失败，请稍后再试' }))
  expect(page.data.downloading).toBe(false)
})

test('普通居民：说明只给理事会和工作人员用，不请求', async () => {
  const page = await open(RESIDENT)
  expect(page.querySelector('#not-allowed')).toBeDefined()
  expect(wx.request).not.toHaveBeenCalled()
})
