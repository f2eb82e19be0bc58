const { installWx, flush, until } = require('./wx-mock')
const { loadPage, textOf, tap, input, dispatch } = require('./page-helper')
const api = require('../utils/api')
const { meetingPickerValues } = require('../utils/format')

const PAGE = 'pages/poll-new/poll-new'
const STAFF = { id: 6, name: '陈干事', roles: [{ role: 'staff', scope_id: 1, scope_name: '东海社区' }], household: null }

const TREE = {
  id: 1,
  name: '东海社区',
  grids: [{
    id: 1,
    name: '第一网格',
    courtyards: [
      { id: 11, name: '东院', buildings: [{ id: 3, name: '3幢' }, { id: 4, name: '4幢' }] },
      { id: 12, name: '西院', buildings: [{ id: 5, name: '5幢' }] },
    ],
  }],
}

// GET /polls/rules 的样子（后端 app/polls/rules.py）
const BOOK = {
  electorates: [
    { value: 'households', label: '一户一票' }, { value: 'council', label: '议事会成员' },
    { value: 'residents', label: '一人一票' }, { value: 'owners', label: '业主表决（按面积和人数）' },
  ],
  rules: [
    { value: 'majority', label: '过半数通过', summary: '赞成票超过投票数的一半即通过（弃权也算投了票）。', owners_only: false,
      requires: [{ label: '赞成票占投票数', required: '> 1/2' }] },
    { value: 'owners_special', label: '业主共同决定（重大事项）', summary: '《民法典》第二百七十八条：……', owners_only: true,
      requires: [
        { label: '参与表决的专有部分面积占总面积', required: '≥ 2/3' }, { label: '参与表决的业主人数占总人数', required: '≥ 2/3' },
        { label: '同意的专有部分面积占参与表决面积', required: '≥ 3/4' }, { label: '同意的业主人数占参与表决人数', required: '≥ 3/4' },
      ] },
  ],
}

const DAY = 24 * 60 * 60 * 1000
const CLOSES = meetingPickerValues(Date.now() + 3 * DAY)
const CLOSES_AT = `${CLOSES.date}T20:00:00+08:00`

// 后端的草稿（GET /polls/{id}）
function draft(fields = {}) {
  return Object.assign({
    id: 7, community_id: 1, title: '是否加装小区大门', description: '', electorate: 'households', electorate_label: '一户一票',
    scope_kind: 'buildings', scope_ids: [3], rule: 'majority', rule_label: '过半数通过', quorum_percent: null, secret: false,
    allow_change: false, show_tally: false, opens_at: new Date(Date.now() - DAY).toISOString(), closes_at: CLOSES_AT,
    objection_days: 7, status: 'draft', status_label: '草稿', can_edit: true, can_cancel: true, can_manage: true,
    questions: [{ id: 21, position: 1, text: '是否同意加装大门', kind: 'yes_no', options: ['赞成', '反对', '弃权'], max_choices: 1 }],
  }, fields)
}

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(query, { poll } = {}) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: STAFF })
  if (poll) wx.server.reply('GET', `/polls/${poll.id}`, 200, poll)
  wx.server.reply('GET', '/polls/rules', 200, BOOK)
  wx.server.reply('GET', '/communities/1', 200, TREE)
  const page = loadPage(PAGE)
  await page.instance.onLoad(query)
  return page
}

function pick(page, selector, value) {
  return dispatch(page, selector, 'change', { detail: { value } })
}

async function fill(page) {
  await input(page, '#title-input', '是否加装小区大门')
  await tap(page, '#electorate-households')
  await tap(page, '#scope-buildings')
  await tap(page, '#building-3')
  await tap(page, '#building-5')
  await tap(page, '#rule-majority')
  await input(page, '#question-0-text', '是否同意加装大门')
  await tap(page, '#add-question-btn')
  await input(page, '#question-1-text', '大门装在哪里')
  await tap(page, '#question-1-kind-multiple')
  await input(page, '#question-1-options', '东门\n 西门 \n\n南门')
  await input(page, '#question-1-max', '2')
  await pick(page, '#closes-date-picker', CLOSES.date)
  await pick(page, '#closes-time-picker', '20:00')
  await dispatch(page, '#secret-switch', 'change', { detail: { value: true } })
  await input(page, '#quorum-input', '50')
}

const CREATED_BODY = {
  community_id: 1,
  title: '是否加装小区大门',
  description: '',
  electorate: 'households',
  rule: 'majority',
  scope_kind: 'buildings',
  scope_ids: [3, 5],
  questions: [
    { text: '是否同意加装大门', kind: 'yes_no', options: [], max_choices: null },
    { text: '大门装在哪里', kind: 'multiple', options: ['东门', '西门', '南门'], max_choices: 2 },
  ],
  opens_at: null,
  closes_at: CLOSES_AT,
  secret: true,
  allow_change: false,
  show_tally: false,
  quorum_percent: 50,
  objection_days: 7,
}

describe('发起表决', () => {
  test('表决方式、规则和门槛来自后端的规则表，范围是社区的楼栋、院落', async () => {
    const page = await open({ community: '1' })
    expect(textOf(page, '#electorate-list')).toContain('业主表决（按面积和人数）')
    await tap(page, '#rule-owners_special')
    const rule = textOf(page, '#rule-owners_special')
    expect(rule).toContain('只用于业主表决')
    expect(rule).toContain('参与表决的业主人数占总人数 ≥ 2/3')
    expect(rule).toContain('同意的专有部分面积占参与表决面积 ≥ 3/4')
    expect(textOf(page, '#rule-majority')).not.toContain('赞成票占投票数 > 1/2') // 只展开选中的规则的门槛
    await tap(page, '#scope-courtyard')
    expect(textOf(page, '#courtyard-list')).toBe('东院西院')
    expect(wx.server.unexpected).toEqual([])
  })

  test('发的正是 PollIn，带幂等键；重试用同一个键；建好转到表决详情页', async () => {
    const page = await open({ community: '1' })
    await fill(page)
    wx.server.networkFail('POST', '/polls', 'request:fail timeout')
    wx.server.reply('POST', '/polls', 201, draft({ id: 9 }))
    await tap(page, '#submit-btn')
    await until(() => wx.redirectTo.mock.calls.length > 0, 500)
    const posts = wx.server.calls('POST', '/polls')
    expect(posts).toHaveLength(2)
    expect(posts[0].data).toEqual(CREATED_BODY)
    expect(posts[0].header['Idempotency-Key']).toBeTruthy()
    expect(posts[1].header['Idempotency-Key']).toBe(posts[0].header['Idempotency-Key'])
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/poll/poll?id=9' })
  })

  test('后端的 422 说明写在表单下面；再点用同一个键，改了内容换新键', async () => {
    const page = await open({ community: '1' })
    await fill(page)
    const error = { error: { code: 'validation_error', message: '通过规则：按面积计算的业主表决规则只适用于业主表决', details: {} } }
    wx.server.reply('POST', '/polls', 422, error)
    wx.server.reply('POST', '/polls', 422, error)
    wx.server.reply('POST', '/polls', 422, error)
    await tap(page, '#submit-btn')
    await until(() => !page.instance.data.submitting)
    expect(textOf(page, '#submit-error')).toBe('通过规则：按面积计算的业主表决规则只适用于业主表决')
    expect(wx.redirectTo).not.toHaveBeenCalled()
    await tap(page, '#submit-btn')
    await until(() => !page.instance.data.submitting)
    await input(page, '#title-input', '是否加装小区东门')
    await tap(page, '#submit-btn')
    await until(() => wx.server.calls('POST', '/polls').length === 3 && !page.instance.data.submitting)
    const keys = wx.server.calls('POST', '/polls').map(r => r.header['Idempotency-Key'])
    expect(keys[1]).toBe(keys[0])
    expect(keys[2]).not.toBe(keys[0])
  })
})

describe('修改草稿', () => {
  test('草稿放回表单，只 PATCH 改了的字段，保存后回到详情页', async () => {
    const page = await open({ id: '7' }, { poll: draft() })
    expect(page.instance.data.title).toBe('是否加装小区大门')
    expect(textOf(page, '#building-3')).toBe('3幢')
    expect(page.instance.data.buildings.find(b => b.id === 3).on).toBe(true)
    expect(page.instance.data.opensDate).toBe('') // 建的时候存的开始时间已过：发布时开始
    expect(textOf(page, '#submit-btn')).toBe('保存修改')
    await input(page, '#title-input', '是否加装小区东门')
    await tap(page, '#building-4')
    wx.server.reply('PATCH', '/polls/7', 200, draft({ title: '是否加装小区东门' }))
    await tap(page, '#submit-btn')
    await until(() => wx.navigateBack.mock.calls.length > 0)
    const patches = wx.server.calls('PATCH', '/polls/7')
    expect(patches.map(r => r.data)).toEqual([{ title: '是否加装小区东门', scope_ids: [3, 4] }])
    expect(wx.navigateBack).toHaveBeenCalled()
    expect(wx.server.calls('POST', '/polls')).toEqual([])
  })

  test('已经发布的（can_edit 为假）不给改', async () => {
    const page = await open({ id: '7' }, { poll: draft({ status: 'open', can_edit: false }) })
    expect(textOf(page, '#load-error')).toBe('这个表决已经发布或取消，不能再修改')
    expect(page.querySelector('#submit-btn')).toBeFalsy()
  })
})
