const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, attr, tap } = require('./page-helper')
const api = require('../utils/api')
const { formatMeetingTime } = require('../utils/format')

const PAGE = 'pages/polls/polls'
const HOUSEHOLD = { id: 2, community_id: 1, community_name: '东海社区', building_id: 3, building_name: '3幢', unit: '1单元', room: '102', is_head: true }
const RESIDENT = { id: 42, name: '宋永华', roles: [{ role: 'resident', scope_id: 2, scope_name: null }], household: HOUSEHOLD }
const SUPERVISOR = { id: 7, name: '刘监督', roles: [{ role: 'supervisor', scope_id: 1, scope_name: '东海社区' }], household: null }

const HOUR = 60 * 60 * 1000
const inHours = h => new Date(Date.now() + h * HOUR).toISOString()

// 后端 Poll 的样子（列表用到的字段）
function poll(id, fields = {}) {
  return Object.assign({
    id, community_id: 1, title: `表决${id}`, description: '', electorate: 'households', electorate_label: '一户一票',
    scope_kind: 'buildings', scope_ids: [3], rule: 'majority', rule_label: '过半数通过', quorum_percent: null,
    secret: false, allow_change: false, show_tally: false, opens_at: inHours(-24), closes_at: inHours(48),
    status: 'open', status_label: '投票中', matter_id: null, closed_at: null, objections_until: null, result_digest: null,
    cancel_reason: null, questions: [], voters: 40, voted: 12, in_electorate: true, can_vote: true, my_ballot: null,
    result: null, can_manage: false, can_supervise: false,
    household_voted: false, cannot_vote_reason: null, can_close: false, can_object: false,
  }, fields)
}

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(user, items, nextCursor = null) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
  wx.server.reply('GET', '/polls/mine', 200, { items, next_cursor: nextCursor })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  return page
}

function ids(page) {
  return page.querySelectorAll('.poll-item').map(n => Number(n.dom.getAttribute('data-id')))
}

test('每条显示题目、状态、表决方式、截止时间、我家投了没有、投票进度', async () => {
  const first = poll(9, { title: '3幢加装电梯', closes_at: inHours(30), voted: 12, voters: 40 })
  const second = poll(5, { title: '停车位划线', status: 'closed', status_label: '已公示', electorate_label: '业主表决（按面积和人数）',
    my_ballot: { receipt: 'ABCDEF2345', choices: {}, via: 'phone', status: 'counted' }, voted: 30, voters: 36, can_vote: false })
  const third = poll(4, { my_ballot: { receipt: 'QQQQQQQQQQ', choices: {}, via: 'paper', status: 'pending' } })
  const page = await open(RESIDENT, [first, second, third])

  expect(wx.server.calls('GET', '/polls/mine')).toHaveLength(1)
  expect(wx.server.calls('GET', '/polls/mine')[0].header.Authorization).toBe('Bearer tok')
  expect(ids(page)).toEqual([9, 5, 4])
  const row = textOf(page, '#poll-9')
  expect(row).toContain('3幢加装电梯')
  expect(row).toContain('投票中')
  expect(row).toContain('一户一票')
  expect(row).toContain(`截止：${formatMeetingTime(first.closes_at)}`)
  expect(row).toContain('未投票')
  expect(row).toContain('已投 12 / 40')
  expect(textOf(page, '#poll-5')).toContain('已公示')
  expect(textOf(page, '#poll-5')).toContain('业主表决（按面积和人数）')
  expect(textOf(page, '#poll-5')).toContain('已投票')
  expect(textOf(page, '#poll-5')).toContain('已投 30 / 36')
  expect(textOf(page, '#poll-4')).toContain('已投票（待确认）')
  // 普通居民没有“本社区全部”
  expect(page.querySelector('#scope-tabs')).toBeUndefined()
  expect(wx.server.unexpected).toEqual([])
})

test('户里不是投票人的成员：本户投过了显示“本户已投票”，还没投显示“未投票”', async () => {
  const member = { can_vote: false, cannot_vote_reason: '本户由户主或户主指定的成员投票', my_ballot: null }
  const page = await open(RESIDENT, [
    poll(9, Object.assign({ household_voted: true }, member)),
    poll(8, Object.assign({ household_voted: false }, member)),
  ])
  expect(textOf(page, '#poll-9 .poll-vote')).toBe('本户已投票')
  expect(textOf(page, '#poll-9')).not.toContain('未投票')
  expect(attr(page, '#poll-9 .poll-vote', 'class')).not.toContain('poll-vote-todo')
  expect(textOf(page, '#poll-8 .poll-vote')).toBe('未投票')
  expect(attr(page, '#poll-8 .poll-vote', 'class')).toContain('poll-vote-todo')
})

test('点一条打开详情页', async () => {
  const page = await open(RESIDENT, [poll(3), poll(9)])
  await tap(page, '#poll-9')
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/poll/poll?id=9' })
})

test('拉到底加载更多（带 cursor），下拉刷新重新读第一页', async () => {
  const page = await open(RESIDENT, [poll(9), poll(8)], 8)
  wx.server.reply('GET', '/polls/mine', 200, { items: [poll(7), poll(8)], next_cursor: null })
  await page.instance.onReachBottom()
  expect(wx.server.calls('GET', '/polls/mine')[1].query).toEqual({ cursor: '8', limit: '20' })
  expect(ids(page)).toEqual([9, 8, 7])

  wx.server.reply('GET', '/polls/mine', 200, { items: [poll(10, { title: '新的表决' })], next_cursor: null })
  await page.instance.onPullDownRefresh()
  expect(ids(page)).toEqual([10])
  expect(wx.stopPullDownRefresh).toHaveBeenCalled()
})

test('没有表决：显示空状态；读取失败显示后端的说明，“重新加载”能读出来', async () => {
  const page = await open(RESIDENT, [])
  expect(textOf(page, '#empty')).toContain('现在没有需要您投票的表决')

  wx.server.reply('GET', '/polls/mine', 503, { error: { code: 'database_unavailable', message: '服务暂时不可用', details: {} } })
  await page.instance.onPullDownRefresh()
  expect(textOf(page, '#load-error')).toBe('服务暂时不可用')

  wx.server.reply('GET', '/polls/mine', 200, { items: [poll(3)], next_cursor: null })
  await tap(page, '#retry-btn')
  await until(() => ids(page).length === 1)
  expect(page.querySelector('#load-error')).toBeUndefined()
})

test('监委会成员能切到“本社区全部”（GET /communities/{id}/polls）', async () => {
  const page = await open(SUPERVISOR, [])
  expect(textOf(page, '#scope-tabs')).toContain('本社区全部')
  wx.server.reply('GET', '/communities/1/polls', 200, { items: [poll(21, { title: '全社区的表决', in_electorate: false, can_vote: false })], next_cursor: null })
  await tap(page, '#scope-community')
  await until(() => ids(page).length === 1)
  expect(textOf(page, '#poll-21')).toContain('全社区的表决')
  // 不在投票范围内：不显示“未投票”
  expect(textOf(page, '#poll-21')).not.toContain('未投票')
  expect(wx.server.unexpected).toEqual([])
})

test('未登录：去登录页，不请求后端', async () => {
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
  expect(wx.request).not.toHaveBeenCalled()
})

describe('发起表决', () => {
  const STAFF = { id: 6, name: '陈干事', roles: [{ role: 'staff', scope_id: 1, scope_name: '东海社区' }], household: null }
  const COMMITTEE = { id: 8, name: '业委会老周', roles: [{ role: 'owners_committee', scope_id: 1, scope_name: '东海社区' }], household: null }

  test('社区工作人员、业委会有入口，去本社区的发起表决页', async () => {
    for (const user of [STAFF, COMMITTEE]) {
      wx = installWx()
      const page = await open(user, [])
      expect(textOf(page, '#new-poll-btn')).toBe('发起表决')
      await tap(page, '#new-poll-btn')
      expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/poll-new/poll-new?community=1' })
    }
  })

  test('居民、监委会没有入口', async () => {
    for (const user of [RESIDENT, SUPERVISOR]) {
      wx = installWx()
      const page = await open(user, [])
      expect(page.querySelector('#new-poll-btn')).toBeFalsy()
    }
  })
})
