const { installWx } = require('./wx-mock')
const { loadPage, textOf, tap, matterBrief } = require('./page-helper')
const api = require('../utils/api')

const PAGE = 'pages/triage/triage'
const COUNCIL = {
  id: 9,
  name: '田国梅',
  roles: [{ role: 'council_member', scope_id: 1, scope_name: '东海社区' }, { role: 'resident', scope_id: 1, scope_name: null }],
  household: { id: 1, community_id: 1, community_name: '东海社区' },
}
const STAFF = { id: 2, name: '王海燕', roles: [{ role: 'staff', scope_id: 5, scope_name: '西湖社区' }], household: null }
const RESIDENT = { id: 42, name: '宋永华', roles: [{ role: 'resident', scope_id: 2, scope_name: null }], household: { id: 2, community_id: 1 } }

const NO_FLAGS = { elderly_alone: false, disabled: false, low_income: false }

// 后端 TriageItem：MatterBrief 再加说明、建议、住户标记、可能重复
function item(id, fields = {}) {
  return matterBrief(id, Object.assign({
    created_at: new Date(Date.now() - 3 * 60 * 60 * 1000).toISOString(),
    description: '',
    suggested_class: null,
    household_flags: NO_FLAGS,
    similar_ids: [],
  }, fields))
}

function shownIds(page) {
  return page.querySelectorAll('.triage-item').map(n => Number(n.dom.getAttribute('data-id')))
}

function flagsOf(page, id) {
  return page.querySelectorAll(`#triage-${id} .flag`).map(n => n.dom.textContent.trim())
}

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(user) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  return page
}

test('按后端顺序（先来的在前）显示；类别名（后端给的）、住户标记、“建议”、可能重复', async () => {
  wx.server.reply('GET', '/communities/1/triage-queue', 200, {
    items: [
      item(12, {
        title: '家里灯坏了', category: 'facility_repair', category_name: '设施维修', description: '独居，自己换不了',
        household_flags: { elderly_alone: true, disabled: false, low_income: true },
      }),
      item(15, { title: '门口路灯不亮', suggested_class: 'minor', similar_ids: [12, 18] }),
      item(20, { title: '违建', category: 'illegal_construction', category_name: '违章搭建', suggested_class: 'major', household_flags: null }),
      item(21, { title: '电动车乱停', category: 'ebike_parking', category_name: '电动车停放' }), // 社区自己加的类别
    ],
    next_cursor: null,
  })
  const page = await open(COUNCIL)

  expect(wx.server.calls('GET', '/communities/1/triage-queue')[0].query).toEqual({ limit: '20' })
  expect(shownIds(page)).toEqual([12, 15, 20, 21])

  expect(flagsOf(page, 12)).toEqual(['独居老人', '低保'])
  expect(textOf(page, '#triage-12')).toContain('设施维修')
  expect(textOf(page, '#triage-12')).toContain('独居，自己换不了')
  expect(page.querySelector('#triage-12 .suggestion')).toBeUndefined()

  expect(flagsOf(page, 15)).toEqual([])
  expect(textOf(page, '#triage-15 .suggestion')).toBe('建议：小事（仅供参考）')
  expect(textOf(page, '#triage-15 .similar')).toBe('可能重复：#12 #18')

  expect(textOf(page, '#triage-20 .suggestion')).toBe('建议：大事（仅供参考）')
  expect(flagsOf(page, 20)).toEqual([]) // 没有住户（工作人员登记的）
  expect(page.querySelector('#triage-20 .similar')).toBeUndefined()
  expect(textOf(page, '#triage-21')).toContain('1幢 · 电动车停放 ·')
  expect(wx.server.unexpected).toEqual([])
})

test('残疾标记；点一条打开详情页', async () => {
  wx.server.reply('GET', '/communities/1/triage-queue', 200, {
    items: [item(7, { household_flags: { elderly_alone: false, disabled: true, low_income: false } })],
    next_cursor: null,
  })
  const page = await open(COUNCIL)
  expect(flagsOf(page, 7)).toEqual(['残疾'])
  await tap(page, '#triage-7')
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/matter/matter?id=7' })
})

test('社区工作人员看自己负责的社区（角色的 scope），拉到底按 cursor 翻页', async () => {
  wx.server
    .reply('GET', '/communities/5/triage-queue', 200, { items: [item(3), item(4)], next_cursor: 4 })
    .reply('GET', '/communities/5/triage-queue', 200, { items: [item(8)], next_cursor: null })
  const page = await open(STAFF)
  await page.instance.onReachBottom()

  expect(wx.server.calls('GET', '/communities/5/triage-queue')[1].query).toEqual({ cursor: '4', limit: '20' })
  expect(shownIds(page)).toEqual([3, 4, 8])
  expect(textOf(page, '#list-end')).toBe('没有更多了')
})

test('队列空：显示“没有待分类的诉求”', async () => {
  wx.server.reply('GET', '/communities/1/triage-queue', 200, { items: [], next_cursor: null })
  const page = await open(COUNCIL)
  expect(textOf(page, '#empty')).toBe('没有待分类的诉求')
})

test('普通居民：说明只给理事会和工作人员用，不请求队列', async () => {
  const page = await open(RESIDENT)
  expect(page.querySelector('#not-allowed')).toBeDefined()
  expect(wx.request).not.toHaveBeenCalled()
})

test('本地没有角色信息：先读 /me；/me 读不到时“重新加载”从头再来', async () => {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: { id: 9 } })
  wx.server.reply('GET', '/me', 503, { error: { code: 'database_unavailable', message: '服务暂时不可用', details: {} } })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  expect(textOf(page, '#load-error')).toBe('服务暂时不可用')
  expect(wx.server.calls('GET', '/communities/1/triage-queue')).toHaveLength(0)

  wx.server.reply('GET', '/me', 200, COUNCIL)
  wx.server.reply('GET', '/communities/1/triage-queue', 200, { items: [item(4)], next_cursor: null })
  await page.instance.retry()
  expect(shownIds(page)).toEqual([4])
  expect(api.getUser().roles).toEqual(COUNCIL.roles)
  expect(page.querySelector('#load-error')).toBeUndefined()
  expect(wx.server.unexpected).toEqual([])
})
