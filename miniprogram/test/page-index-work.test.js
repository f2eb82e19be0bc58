// 首页的“我的待办”（带待办数）、“住户”、“诉求统计”、“我的信息”入口（首页的其余测试在 page-index.test.js）。
const { installWx } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const api = require('../utils/api')

const BASE = { id: 1, name: '王海燕', phone: null, household: null }

let wx
beforeEach(() => {
  wx = installWx()
})

async function home(roles, work) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: { id: 1 } })
  wx.server.reply('GET', '/me', 200, Object.assign({}, BASE, { roles }))
  wx.server.reply('GET', '/notifications/unread-count', 200, { unread: 0 })
  if (work) wx.server.reply('GET', '/matters/assigned', 200, work)
  const page = loadPage('pages/index/index')
  await page.instance.onShow()
  return page
}

const items = n => Array.from({ length: n }, (_, i) => ({ id: i + 1 }))

test('承办人（网格员、部门联络员、义工队负责人、社区工作人员）有“我的待办”和第一页的数目', async () => {
  for (const role of ['grid_worker', 'department_liaison', 'volunteer_lead', 'staff']) {
    const page = await home([{ role, scope_id: 1, scope_name: '某处' }], { items: items(3), next_cursor: null })
    expect(textOf(page, '#work-badge')).toBe('3')
    expect(wx.server.calls('GET', '/matters/assigned').pop().query).toEqual({ limit: '20' })
    await tap(page, '#work-entry')
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/work/work' })
  }
})

test('还有下一页时写“20+”；没有待办时不显示数目', async () => {
  let page = await home([{ role: 'staff', scope_id: 1, scope_name: '东海社区' }], { items: items(20), next_cursor: '2030-03-15_20' })
  expect(textOf(page, '#work-badge')).toBe('20+')
  page = await home([{ role: 'staff', scope_id: 1, scope_name: '东海社区' }], { items: [], next_cursor: null })
  expect(page.querySelector('#work-entry')).toBeDefined()
  expect(page.querySelector('#work-badge')).toBeUndefined()
})

test('楼栋长、议事会成员、居民没有“我的待办”，也不读待办', async () => {
  const page = await home([{ role: 'building_head', scope_id: 3, scope_name: '3幢' }, { role: 'council_member', scope_id: 1, scope_name: '东海社区' }])
  expect(page.querySelector('#work-entry')).toBeUndefined()
  expect(wx.server.calls('GET', '/matters/assigned')).toHaveLength(0)
})

test('楼栋长、网格员、社区工作人员有“住户”；议事会成员、工作人员有“诉求统计”', async () => {
  let page = await home([{ role: 'building_head', scope_id: 3, scope_name: '3幢' }])
  expect(page.querySelector('#stats-entry')).toBeUndefined()
  await tap(page, '#households-entry')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/households/households' })

  page = await home([{ role: 'council_member', scope_id: 1, scope_name: '东海社区' }])
  expect(page.querySelector('#households-entry')).toBeUndefined()
  await tap(page, '#stats-entry')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/stats/stats' })

  page = await home([{ role: 'resident', scope_id: 2, scope_name: null }])
  expect(page.querySelector('#households-entry')).toBeUndefined()
  expect(page.querySelector('#stats-entry')).toBeUndefined()
})

test('人人都有“我的信息”，点了去改姓名', async () => {
  const page = await home([{ role: 'resident', scope_id: 2, scope_name: null }])
  await tap(page, '#profile-entry')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/profile/profile' })
})
