const { installWx, until, flush } = require('./wx-mock')
const { loadPage, textOf, tap, input } = require('./page-helper')
const api = require('../utils/api')
const { meetingPickerValues } = require('../utils/format')

const PAGE = 'pages/meeting-new/meeting-new'
const DRAFT_KEY = 'yb_meeting_draft'

const HOUSEHOLD = { id: 9, community_id: 1, community_name: '东海社区', building_id: 3, building_name: '3幢', unit: '1单元', room: '301', is_head: true }
// 楼栋长：负责 3幢、5幢
const HEAD = {
  id: 5,
  name: '张大爷',
  roles: [
    { role: 'building_head', scope_id: 3, scope_name: '3幢' },
    { role: 'building_head', scope_id: 5, scope_name: '5幢' },
    { role: 'resident', scope_id: 9, scope_name: null },
  ],
  household: HOUSEHOLD,
}
const HEAD_ONE = Object.assign({}, HEAD, { roles: [{ role: 'building_head', scope_id: 3, scope_name: '3幢' }] })
const STAFF = { id: 2, name: '王海燕', roles: [{ role: 'staff', scope_id: 1, scope_name: '东海社区' }], household: null }
const RESIDENT = { id: 42, name: '宋永华', roles: [{ role: 'resident', scope_id: 2, scope_name: null }], household: HOUSEHOLD }

const TREE = {
  id: 1,
  name: '东海社区',
  district: null,
  subdistrict: null,
  grids: [{
    id: 1,
    name: '第一网格',
    courtyards: [
      { id: 11, name: '东院', buildings: [{ id: 3, name: '3幢' }, { id: 4, name: '4幢' }] },
      { id: 12, name: '西院', buildings: [{ id: 5, name: '5幢' }] },
    ],
  }],
}

const DAY = 24 * 60 * 60 * 1000
const FUTURE_DATE = meetingPickerValues(Date.now() + 2 * DAY).date
const STARTS_AT = `${FUTURE_DATE}T19:30:00+08:00`

function created(id = 7) {
  return { id, status: 'draft', title: '3幢楼道改造意见会' }
}

let wx
beforeEach(() => {
  wx = installWx()
})

afterEach(() => {
  jest.useRealTimers()
})

async function open(user, { tree } = {}) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
  if (tree) wx.server.reply('GET', '/communities/1', 200, tree)
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  return page
}

function pick(page, selector, value) {
  page.querySelector(selector).dispatchEvent('change', { detail: { value } })
  return flush()
}

async function fillBasics(page, { title = '3幢楼道改造意见会', place = '3幢楼下院坝', date = FUTURE_DATE, time = '19:30' } = {}) {
  await input(page, '#title-input', title)
  await input(page, '#place-input', place)
  if (date) await pick(page, '#date-picker', date)
  if (time) await pick(page, '#time-picker', time)
}

function chips(page, selector) {
  return page.querySelectorAll(`${selector} .chip`).map(n => n.dom.textContent.trim())
}

function meetingPosts() {
  return wx.server.calls('POST', '/meetings')
}

describe('楼栋长', () => {
  test('给自己负责的楼栋开会：发出的内容（北京时间 +08:00、楼栋多选、议程里的诉求编号），建好后去详情页', async () => {
    const page = await open(HEAD)

    expect(chips(page, '#kind-list')).toEqual(['楼栋会', '院坝会', '评议会'])
    expect(page.data.kind).toBe('building')
    expect(page.querySelector('#scope-kinds')).toBeUndefined() // 楼栋长只能按楼栋
    expect(chips(page, '#building-list')).toEqual(['3幢', '5幢'])
    expect(textOf(page, '.hint')).toContain('东海社区')

    await tap(page, '#stage-opinion')
    await fillBasics(page)
    await tap(page, '#building-3')
    await tap(page, '#building-5')
    expect(page.querySelector('#building-5').dom.className).toContain('chip-on')
    await input(page, '#agenda-0-text', '楼道灯改造方案')
    await input(page, '#agenda-0-matters', '12，15')
    await tap(page, '#add-agenda-btn')
    await input(page, '#agenda-1-text', '楼道堆物怎么清')
    await input(page, '#capacity-input', '50')
    await input(page, '#description-input', '请每户派一位代表')

    wx.server.reply('POST', '/meetings', 201, created(7))
    await tap(page, '#submit-btn')
    await until(() => wx.redirectTo.mock.calls.length === 1)

    const [sent] = meetingPosts()
    expect(sent.data).toEqual({
      community_id: 1,
      kind: 'building',
      stage: 'opinion',
      title: '3幢楼道改造意见会',
      place: '3幢楼下院坝',
      starts_at: STARTS_AT,
      scope_kind: 'buildings',
      scope_ids: [3, 5],
      capacity: 50,
      description: '请每户派一位代表',
      agenda: [{ text: '楼道灯改造方案', matter_ids: [12, 15] }, { text: '楼道堆物怎么清' }],
    })
    expect(sent.header['Idempotency-Key']).toBeTruthy()
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/meeting/meeting?id=7' })
    expect(wx.storage[DRAFT_KEY]).toBeUndefined()
    expect(wx.server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['POST /meetings']) // 楼栋来自 /me 的角色，不读社区
    expect(wx.server.unexpected).toEqual([])
  })

  test('只负责一栋楼：直接选上；不选阶段、不限人数、不写议程时不发这些', async () => {
    const page = await open(HEAD_ONE)
    expect(page.querySelector('#building-3').dom.className).toContain('chip-on')
    await fillBasics(page)
    wx.server.reply('POST', '/meetings', 201, created(8))
    await page.instance.onSubmit()

    expect(meetingPosts()[0].data).toEqual({
      community_id: 1, kind: 'building', title: '3幢楼道改造意见会', place: '3幢楼下院坝',
      starts_at: STARTS_AT, scope_kind: 'buildings', scope_ids: [3], agenda: [],
    })
  })

  test('重试用同一个幂等键：失败后再点、关掉重开再点；改了内容换新键', async () => {
    const page = await open(HEAD_ONE)
    await fillBasics(page)

    wx.server.reply('POST', '/meetings', 503, { error: { code: 'database_unavailable', message: '服务暂时不可用，请稍后再试', details: {} } })
    await page.instance.onSubmit()
    expect(textOf(page, '#submit-error')).toBe('服务暂时不可用，请稍后再试')

    wx.server.reply('POST', '/meetings', 503, { error: { code: 'database_unavailable', message: '服务暂时不可用，请稍后再试', details: {} } })
    await tap(page, '#submit-btn')
    await until(() => meetingPosts().length === 2 && !page.data.submitting)

    // 关掉小程序重新打开：草稿和键都还在
    const reopened = await open(HEAD_ONE)
    expect(reopened.querySelector('#restored-hint')).toBeDefined()
    expect(reopened.data).toMatchObject({ title: '3幢楼道改造意见会', date: FUTURE_DATE, time: '19:30', buildingIds: [3] })
    wx.server.networkFail('POST', '/meetings')
    jest.useFakeTimers()
    wx.server.reply('POST', '/meetings', 201, created(7))
    const third = reopened.instance.onSubmit()
    await jest.advanceTimersByTimeAsync(5000) // 网络失败后 api.js 自动重试一次
    await third
    jest.useRealTimers()

    const keys = meetingPosts().map(r => r.header['Idempotency-Key'])
    expect(keys).toHaveLength(4)
    expect(new Set(keys).size).toBe(1)
    expect(new Set(meetingPosts().map(r => JSON.stringify(r.data))).size).toBe(1)
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/meeting/meeting?id=7' })

    // 下一份：失败后改了时间，换新键
    const next = await open(HEAD_ONE)
    await fillBasics(next)
    wx.server.reply('POST', '/meetings', 503, { error: { code: 'database_unavailable', message: '服务暂时不可用', details: {} } })
    await next.instance.onSubmit()
    await pick(next, '#time-picker', '20:00')
    wx.server.reply('POST', '/meetings', 201, created(9))
    await next.instance.onSubmit()
    const [failed, changed] = meetingPosts().slice(4).map(r => r.header['Idempotency-Key'])
    expect(failed).not.toBe(keys[0])
    expect(changed).not.toBe(failed)
    expect(meetingPosts()[5].data.starts_at).toBe(`${FUTURE_DATE}T20:00:00+08:00`)
  })

  test('检查：时间要在将来、要选楼栋、诉求编号要是数字；有问题时不发', async () => {
    const page = await open(HEAD)
    await fillBasics(page, { date: meetingPickerValues(Date.now() - DAY).date })
    await page.instance.onSubmit()
    expect(textOf(page, '#submit-error')).toBe('开会时间要在将来')

    await pick(page, '#date-picker', FUTURE_DATE)
    await page.instance.onSubmit()
    expect(textOf(page, '#submit-error')).toBe('请选给哪几栋楼开会')

    await tap(page, '#building-5')
    await input(page, '#agenda-0-text', '路灯')
    await input(page, '#agenda-0-matters', '十二')
    await page.instance.onSubmit()
    expect(textOf(page, '#submit-error')).toBe('第 1 项议程的诉求编号要填数字，比如：12 15')

    await input(page, '#agenda-0-matters', '')
    await input(page, '#capacity-input', '0')
    await page.instance.onSubmit()
    expect(textOf(page, '#submit-error')).toBe('限多少人要填正整数，不限人数就空着')
    expect(meetingPosts()).toHaveLength(0)
  })
})

describe('社区工作人员', () => {
  test('读本社区的院落、楼栋；院坝会默认按院落，选一个院落', async () => {
    const page = await open(STAFF, { tree: TREE })

    expect(wx.server.calls('GET', '/communities/1')).toHaveLength(1)
    expect(chips(page, '#kind-list')).toEqual(['院坝会', '楼栋会', '议事会', '联席会议', '评议会'])
    expect(chips(page, '#scope-kinds')).toEqual(['楼栋', '院落', '全社区', '议事会成员', '职能部门'])
    expect(chips(page, '#building-list')).toEqual(['3幢', '4幢', '5幢'])

    await tap(page, '#kind-courtyard')
    expect(page.data.scopeKind).toBe('courtyard')
    expect(chips(page, '#courtyard-list')).toEqual(['东院', '西院'])
    await tap(page, '#courtyard-12')
    await fillBasics(page, { title: '西院停车怎么管', place: '西院院坝' })

    wx.server.reply('POST', '/meetings', 201, created(7))
    await page.instance.onSubmit()
    expect(meetingPosts()[0].data).toMatchObject({ community_id: 1, kind: 'courtyard', scope_kind: 'courtyard', scope_ids: [12], starts_at: STARTS_AT })
  })

  test.each([
    ['全社区', 'courtyard', 'community', [1]],
    ['议事会成员（不需要编号）', 'council', 'council', []],
  ])('范围：%s', async (_name, kind, scope, ids) => {
    const page = await open(STAFF, { tree: TREE })
    await tap(page, `#kind-${kind}`)
    await tap(page, `#scope-${scope}`)
    await fillBasics(page)
    wx.server.reply('POST', '/meetings', 201, created(7))
    await page.instance.onSubmit()
    expect(meetingPosts()[0].data).toMatchObject({ kind, scope_kind: scope, scope_ids: ids })
  })

  test('联席会议：请职能部门（GET /departments）', async () => {
    const page = await open(STAFF, { tree: TREE })
    wx.server.reply('GET', '/departments', 200, { items: [{ id: 2, name: '县住建局' }, { id: 4, name: '城管' }], next_cursor: null })
    await tap(page, '#kind-joint')
    await until(() => page.data.departments.length === 2)
    await tap(page, '#department-4')
    await fillBasics(page)
    wx.server.reply('POST', '/meetings', 201, created(7))
    await page.instance.onSubmit()
    expect(meetingPosts()[0].data).toMatchObject({ kind: 'joint', scope_kind: 'departments', scope_ids: [4] })
  })
})

test('普通居民：说明只有楼栋长和社区工作人员能召集，没有表单', async () => {
  const page = await open(RESIDENT)
  expect(page.querySelector('#not-allowed')).toBeDefined()
  expect(page.querySelector('#submit-btn')).toBeUndefined()
  expect(wx.request).not.toHaveBeenCalled()
})
