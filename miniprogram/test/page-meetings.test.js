const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const api = require('../utils/api')
const { formatMeetingTime } = require('../utils/format')

const PAGE = 'pages/meetings/meetings'
const HOUSEHOLD = { id: 2, community_id: 1, community_name: '东海社区', building_id: 3, building_name: '3幢', unit: '1单元', room: '102', is_head: true }
const RESIDENT = { id: 42, name: '宋永华', roles: [{ role: 'resident', scope_id: 2, scope_name: null }], household: HOUSEHOLD }
const HEAD = { id: 5, name: '张大爷', roles: [{ role: 'building_head', scope_id: 3, scope_name: '3幢' }], household: HOUSEHOLD }
const STAFF = { id: 2, name: '王海燕', roles: [{ role: 'staff', scope_id: 1, scope_name: '东海社区' }], household: null }

const HOUR = 60 * 60 * 1000
const inHours = h => new Date(Date.now() + h * HOUR).toISOString()

function meeting(id, fields = {}) {
  return Object.assign({
    id, community_id: 1, organizer_id: 5, kind: 'building', stage: null, title: `会议${id}`, description: '',
    place: '3幢楼下院坝', starts_at: inHours(id), ends_at: null, capacity: null, scope_kind: 'buildings', scope_ids: [3],
    status: 'published', minutes: null, agenda: [], my_reply: null, my_people: null, present: false, invited: 40, attended: 0,
  }, fields)
}

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(user, items) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
  wx.server.reply('GET', '/meetings/mine', 200, { items, next_cursor: null })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  return page
}

function ids(page) {
  return page.querySelectorAll('.meeting-item').map(n => Number(n.dom.getAttribute('data-id')))
}

test('按后端给的顺序（时间近的在前）显示种类、题目、时间、地点、状态和我家的回复', async () => {
  const first = meeting(3, { kind: 'courtyard', stage: 'opinion', title: '院坝会：停车怎么管', starts_at: inHours(2), my_reply: 'attend', my_people: 2 })
  const second = meeting(9, { title: '3幢楼道改造', starts_at: inHours(30), place: '3幢一楼', my_reply: null })
  const third = meeting(4, { kind: 'evaluation', title: '评议路灯维修', starts_at: inHours(50), my_reply: 'decline', my_people: 0 })
  const page = await open(RESIDENT, [first, second, third])

  expect(wx.server.calls('GET', '/meetings/mine')).toHaveLength(1)
  expect(ids(page)).toEqual([3, 9, 4])
  const row = textOf(page, '#meeting-3')
  expect(row).toContain('院坝会')
  expect(row).toContain('意见征集')
  expect(row).toContain('院坝会：停车怎么管')
  expect(row).toContain(formatMeetingTime(first.starts_at))
  expect(row).toContain('3幢楼下院坝')
  expect(row).toContain('待召开')
  expect(row).toContain('我家：参加（2人）')
  expect(textOf(page, '#meeting-9')).toContain('楼栋会')
  expect(textOf(page, '#meeting-9')).toContain('3幢一楼')
  expect(textOf(page, '#meeting-9')).toContain('我家：还没回复')
  expect(textOf(page, '#meeting-4')).toContain('评议会')
  expect(textOf(page, '#meeting-4')).toContain('我家：不参加')
  expect(page.querySelector('#new-btn')).toBeUndefined() // 普通居民不能召集
  expect(wx.server.unexpected).toEqual([])
})

test('点一条打开详情页', async () => {
  const page = await open(RESIDENT, [meeting(3), meeting(9)])
  await tap(page, '#meeting-9')
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/meeting/meeting?id=9' })
})

test('自己召集的草稿：状态写“草稿”，不显示我家的回复（还没邀请）', async () => {
  const page = await open(HEAD, [meeting(3, { status: 'draft', present: null, invited: 0 })])
  expect(textOf(page, '#meeting-3')).toContain('草稿，还没通知')
  expect(textOf(page, '#meeting-3')).not.toContain('我家')
})

test.each([
  ['楼栋长', HEAD],
  ['社区工作人员', STAFF],
])('%s有“召集会议”按钮，点了去召集页', async (_name, user) => {
  const page = await open(user, [])
  await tap(page, '#new-btn')
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/meeting-new/meeting-new' })
})

test('没有会议：显示“近期没有会议”；读取失败显示错误，“重新加载”能读出来', async () => {
  const page = await open(RESIDENT, [])
  expect(textOf(page, '#empty')).toContain('近期没有会议')

  wx.server.reply('GET', '/meetings/mine', 503, { error: { code: 'database_unavailable', message: '服务暂时不可用', details: {} } })
  await page.instance.onPullDownRefresh()
  expect(textOf(page, '#load-error')).toBe('服务暂时不可用')
  expect(wx.stopPullDownRefresh).toHaveBeenCalled()

  wx.server.reply('GET', '/meetings/mine', 200, { items: [meeting(3)], next_cursor: null })
  await tap(page, '#retry-btn')
  await until(() => ids(page).length === 1)
  expect(ids(page)).toEqual([3])
  expect(page.querySelector('#load-error')).toBeUndefined()
  expect(wx.server.unexpected).toEqual([])
})

test('未登录：去登录页，不请求后端', async () => {
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
  expect(wx.request).not.toHaveBeenCalled()
})
