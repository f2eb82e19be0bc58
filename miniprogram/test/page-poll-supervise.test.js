const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, attr, tap, input } = require('./page-helper')
const api = require('../utils/api')

const PAGE = 'pages/poll-supervise/poll-supervise'
const SUPERVISOR = { id: 8, name: '刘监督', roles: [{ role: 'supervisor', scope_id: 1, scope_name: '东海社区' }], household: null }

const HOUR = 60 * 60 * 1000
const inHours = h => new Date(Date.now() + h * HOUR).toISOString()

const QUESTIONS = [
  { id: 11, position: 1, text: '同意加装电梯', kind: 'yes_no', options: ['赞成', '反对', '弃权'], max_choices: 1 },
  { id: 12, position: 2, text: '电梯装在哪一侧', kind: 'single', options: ['东侧', '西侧'], max_choices: 1 },
]

function poll(fields = {}) {
  return Object.assign({
    id: 7, community_id: 1, title: '3幢加装电梯', description: '', electorate: 'households', electorate_label: '一户一票',
    scope_kind: 'buildings', scope_ids: [3], rule: 'majority', rule_label: '过半数通过', quorum_percent: null,
    secret: false, allow_change: false, show_tally: false, opens_at: inHours(-24), closes_at: inHours(48),
    status: 'open', status_label: '投票中', matter_id: null, closed_at: null, objections_until: null, result_digest: null,
    cancel_reason: null, questions: QUESTIONS, voters: 40, voted: 12, in_electorate: false, can_vote: false, my_ballot: null,
    result: null, can_manage: false, can_supervise: true,
    household_voted: false, cannot_vote_reason: '不在本次表决的投票范围内', can_close: false, can_object: false,
  }, fields)
}

function paper(id, fields = {}) {
  return Object.assign({
    id, household_id: 101, household: '3幢1单元101（李奶奶）', via: 'paper',
    photo: { id: 55, url: 'https://yb.example/media/55.jpg', thumbnail_url: 'https://yb.example/media/55-t.jpg', width: 800, height: 600 },
    proxy_name: null, authorization_text: null, entered_by: '张大爷', entered_at: new Date().toISOString(), status: 'pending',
    reviewed_by: null, reviewed_at: null, review_note: null, choices: { 11: [0], 12: [1] },
  }, fields)
}

const PENDING = [
  paper(1),
  paper(2, { household_id: 102, household: '3幢1单元201', via: 'proxy', proxy_name: '王小明', authorization_text: '户主委托儿子王小明投票', choices: { 11: [1], 12: [] } }),
]

let wx
beforeEach(() => {
  wx = installWx()
})

async function open({ p = poll(), pending = PENDING } = {}) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: SUPERVISOR })
  wx.server.reply('GET', '/polls/7', 200, p)
  wx.server.reply('GET', '/polls/7/paper-ballots', 200, { items: pending, next_cursor: null })
  const page = loadPage(PAGE)
  await page.instance.onLoad({ id: '7' })
  return page
}

describe('待确认的纸质票', () => {
  test('照片（点开看大图）、住户、方式、受托人和委托书、录入的选择（中文）、谁录的', async () => {
    const page = await open()
    expect(wx.server.calls('GET', '/polls/7/paper-ballots')[0].query).toEqual({ status: 'pending', limit: '20' })
    const first = textOf(page, '#paper-1')
    expect(first).toContain('3幢1单元101（李奶奶）')
    expect(first).toContain('纸质票')
    expect(first).toContain('张大爷 录入')
    expect(first).toContain('1. 同意加装电梯：赞成')
    expect(first).toContain('2. 电梯装在哪一侧：西侧')
    expect(attr(page, '#paper-1-photo', 'src')).toBe('https://yb.example/media/55-t.jpg')
    const second = textOf(page, '#paper-2')
    expect(second).toContain('委托投票')
    expect(second).toContain('受托人：王小明')
    expect(second).toContain('委托书：户主委托儿子王小明投票')
    expect(second).toContain('1. 同意加装电梯：反对')
    expect(second).toContain('2. 电梯装在哪一侧：弃权')

    await tap(page, '#paper-1-photo')
    expect(wx.previewImage).toHaveBeenCalledWith({ urls: ['https://yb.example/media/55.jpg'], current: 'https://yb.example/media/55.jpg' })
    expect(wx.server.unexpected).toEqual([])
  })

  test('照片是 null（无记名投票的照片确认后就销毁了）：不显示图片，写明已销毁；点不开大图，确认时说没有照片可核对', async () => {
    const page = await open({ p: poll({ secret: true }), pending: [paper(1, { photo: null }), PENDING[1]] })
    expect(page.querySelector('#paper-1-photo')).toBeUndefined()
    expect(textOf(page, '#paper-1-photo-gone')).toBe('无记名投票：纸质票照片已在确认后销毁')
    expect(textOf(page, '#paper-1')).toContain('1. 同意加装电梯：赞成')
    // 有照片的照常显示
    expect(attr(page, '#paper-2-photo', 'src')).toBe('https://yb.example/media/55-t.jpg')
    expect(page.querySelector('#paper-2-photo-gone')).toBeUndefined()

    page.instance.onPreview({ currentTarget: { dataset: { id: 1 } } })
    expect(wx.previewImage).not.toHaveBeenCalled()

    wx.modalConfirm = false
    await page.instance.onConfirmPaper({ currentTarget: { dataset: { id: 1 } } })
    expect(wx.showModal.mock.calls[0][0].content).toContain('没有照片可以核对')
    expect(wx.showModal.mock.calls[0][0].content).not.toContain('已核对照片')
    expect(wx.server.unexpected).toEqual([])
  })

  test('确认：先问一遍，再 POST …/confirm，这张从列表里去掉', async () => {
    const page = await open()
    wx.server.reply('POST', '/polls/7/paper-ballots/1/confirm', 200, paper(1, { status: 'confirmed', choices: null }))
    await tap(page, '#confirm-1')
    await until(() => wx.server.calls('POST', '/polls/7/paper-ballots/1/confirm').length === 1 && !page.data.busy)

    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认计票' }))
    expect(wx.showModal.mock.calls[0][0].content).toContain('3幢1单元101（李奶奶）的纸质票')
    expect(wx.server.calls('POST', '/polls/7/paper-ballots/1/confirm')[0].data).toEqual({})
    expect(page.querySelector('#paper-1')).toBeUndefined()
    expect(page.querySelector('#paper-2')).toBeDefined()
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已确认' }))
  })

  test('确认框点取消：不发', async () => {
    const page = await open()
    wx.modalConfirm = false
    await page.instance.onConfirmPaper({ currentTarget: { dataset: { id: 1 } } })
    expect(wx.server.calls('POST', '/polls/7/paper-ballots/1/confirm')).toHaveLength(0)
    expect(page.querySelector('#paper-1')).toBeDefined()
  })

  test('不能确认自己录的（403 own_entry）：显示后端的说明，这张还在', async () => {
    const page = await open()
    wx.server.reply('POST', '/polls/7/paper-ballots/1/confirm', 403, { error: { code: 'own_entry', message: '不能确认自己录入的纸质票', details: {} } })
    await page.instance.onConfirmPaper({ currentTarget: { dataset: { id: 1 } } })
    expect(textOf(page, '#action-error')).toBe('不能确认自己录入的纸质票')
    expect(page.querySelector('#paper-1')).toBeDefined()
  })

  test('退回：原因必填；POST …/reject {reason}，这张从列表里去掉', async () => {
    const page = await open()
    await tap(page, '#reject-toggle-2')
    await tap(page, '#reject-2')
    expect(textOf(page, '#action-error')).toContain('请写明退回的原因')
    expect(wx.server.calls('POST', '/polls/7/paper-ballots/2/reject')).toHaveLength(0)

    await input(page, '#reject-reason-2', ' 委托书没有签字 ')
    wx.server.reply('POST', '/polls/7/paper-ballots/2/reject', 200, paper(2, { status: 'rejected', review_note: '委托书没有签字', choices: null }))
    await tap(page, '#reject-2')
    await until(() => wx.server.calls('POST', '/polls/7/paper-ballots/2/reject').length === 1 && !page.data.busy)
    expect(wx.server.calls('POST', '/polls/7/paper-ballots/2/reject')[0].data).toEqual({ reason: '委托书没有签字' })
    expect(page.querySelector('#paper-2')).toBeUndefined()
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已退回' }))
  })

  test('别人已经处理过（409）：显示说明，重新读列表', async () => {
    const page = await open()
    wx.server.reply('POST', '/polls/7/paper-ballots/1/confirm', 409, { error: { code: 'already_reviewed', message: '这张纸质票已经处理过', details: {} } })
    wx.server.reply('GET', '/polls/7/paper-ballots', 200, { items: [PENDING[1]], next_cursor: null })
    await page.instance.onConfirmPaper({ currentTarget: { dataset: { id: 1 } } })
    expect(textOf(page, '#action-error')).toBe('这张纸质票已经处理过')
    expect(page.querySelector('#paper-1')).toBeUndefined()
    expect(wx.server.calls('GET', '/polls/7/paper-ballots')).toHaveLength(2)
  })

  test('没有待确认的：说“没有待确认的纸质票”', async () => {
    const page = await open({ pending: [] })
    expect(textOf(page, '#empty')).toBe('没有待确认的纸质票。')
  })
})

describe('审计记录、异议', () => {
  test('审计记录：动作用后端给的中文（action_label），谁、哪户、备注', async () => {
    const page = await open()
    wx.server.reply('GET', '/polls/7/events', 200, { items: [
      { id: 1, action: 'opened', action_label: '开始投票', actor_id: null, actor: '系统', household_id: null, household: null, note: '投票人 40', created_at: inHours(-20) },
      { id: 2, action: 'proxy_entered', action_label: '录入委托投票', actor_id: 5, actor: '张大爷', household_id: 102, household: '3幢1单元201', note: '受托人：王小明；委托书：…', created_at: inHours(-2) },
      { id: 3, action: 'paper_rejected', action_label: '退回纸质票', actor_id: 8, actor: '刘监督', household_id: 102, household: '3幢1单元201', note: '委托书没有签字', created_at: inHours(-1) },
      { id: 4, action: 'recounted', action_label: '复核计票', actor_id: 8, actor: '刘监督', household_id: null, household: null, note: '结果一致', created_at: inHours(-0.5) },
      // 小程序不认识的新动作：照样显示后端的中文
      { id: 5, action: 'electorate_amended', action_label: '更正投票人名单', actor_id: 6, actor: '陈干事', household_id: null, household: null, note: '', created_at: inHours(-0.2) },
    ], next_cursor: null })
    await tap(page, '#tab-events')
    await until(() => page.data.items.length === 5)
    expect(textOf(page, '#event-1 .event-action')).toBe('开始投票')
    expect(textOf(page, '#event-1')).toContain('投票人 40')
    expect(textOf(page, '#event-2')).toContain('录入委托投票')
    expect(textOf(page, '#event-2')).toContain('张大爷')
    expect(textOf(page, '#event-2')).toContain('3幢1单元201')
    expect(textOf(page, '#event-3')).toContain('退回纸质票')
    expect(textOf(page, '#event-4')).toContain('复核计票')
    expect(textOf(page, '#event-5 .event-action')).toBe('更正投票人名单')
    expect(textOf(page, '#event-list')).not.toMatch(/opened|proxy_entered|electorate_amended/)
    expect(page.querySelector('#paper-list')).toBeUndefined()
    expect(wx.server.unexpected).toEqual([])
  })

  test('异议：没答复的可以答复（至少 2 个字），答复后显示', async () => {
    const page = await open()
    wx.server.reply('GET', '/polls/7/objections', 200, { items: [
      { id: 5, text: '我家的票没算上', created_at: inHours(-3), answer: null, answered_at: null, mine: false, household: '3幢1单元101（李奶奶）' },
      { id: 6, text: '公示太短', created_at: inHours(-2), answer: '按规定公示 7 天', answered_at: inHours(-1), mine: false, household: '3幢1单元201' },
    ], next_cursor: null })
    await tap(page, '#tab-objections')
    await until(() => page.data.items.length === 2)
    expect(textOf(page, '#objection-5')).toContain('3幢1单元101（李奶奶）')
    expect(textOf(page, '#objection-6')).toContain('答复：按规定公示 7 天')
    expect(page.querySelector('#answer-toggle-6')).toBeUndefined()

    await tap(page, '#answer-toggle-5')
    await input(page, '#answer-input-5', '好')
    await tap(page, '#answer-5')
    expect(textOf(page, '#action-error')).toBe('请写答复（至少 2 个字）')

    await input(page, '#answer-input-5', '已核对：纸质票已确认，计入了结果')
    wx.server.reply('POST', '/polls/7/objections/5/answer', 200, { id: 5, text: '我家的票没算上', created_at: inHours(-3), answer: '已核对：纸质票已确认，计入了结果', answered_at: new Date().toISOString(), mine: false, household: '3幢1单元101（李奶奶）' })
    await tap(page, '#answer-5')
    await until(() => !page.data.busy && page.data.answerId === null)
    expect(wx.server.calls('POST', '/polls/7/objections/5/answer')[0].data).toEqual({ answer: '已核对：纸质票已确认，计入了结果' })
    expect(textOf(page, '#objection-5')).toContain('答复：已核对：纸质票已确认，计入了结果')
  })
})

describe('复核计票、截止计票', () => {
  const CLOSED = { status: 'closed', status_label: '已公示', closed_at: inHours(-1), objections_until: inHours(100), result_digest: 'f'.repeat(64) }

  test('已公示：显示公示的计票摘要（result_digest）；复核结果一致：显示“结果一致”', async () => {
    const page = await open({ p: poll(CLOSED) })
    expect(page.querySelector('#close-btn')).toBeUndefined()
    expect(textOf(page, '#result-digest')).toBe(`公示的计票摘要：${'f'.repeat(64)}`)
    wx.server.reply('POST', '/polls/7/recount', 200, { matches: true, frozen_digest: 'f'.repeat(64), recount_digest: 'f'.repeat(64), result: {} })
    await tap(page, '#recount-btn')
    await until(() => page.data.recount)
    expect(textOf(page, '#recount-ok')).toBe('✓ 结果一致')
    expect(page.querySelector('#recount-bad')).toBeUndefined()
  })

  test('复核的摘要和本页的公示摘要（result_digest）不一样：算“结果不一致”', async () => {
    const page = await open({ p: poll(CLOSED) })
    // 正常不会这样（frozen_digest 和 result_digest 是同一个字段）；这里钉住页面比的是居民看到的 result_digest，
    // 不是只信后端的 matches
    wx.server.reply('POST', '/polls/7/recount', 200, { matches: true, frozen_digest: 'a'.repeat(64), recount_digest: 'a'.repeat(64), result: {} })
    await tap(page, '#recount-btn')
    await until(() => page.data.recount)
    const bad = textOf(page, '#recount-bad')
    expect(bad).toContain(`公示的摘要：${'f'.repeat(64)}`)
    expect(bad).toContain(`重新计票的摘要：${'a'.repeat(64)}`)
    expect(page.querySelector('#recount-ok')).toBeUndefined()
  })

  test('结果不一致：红字“结果不一致”，两个摘要都写出来', async () => {
    const page = await open({ p: poll(CLOSED) })
    wx.server.reply('POST', '/polls/7/recount', 200, { matches: false, frozen_digest: 'f'.repeat(64), recount_digest: '0'.repeat(64), result: {} })
    await tap(page, '#recount-btn')
    await until(() => page.data.recount)
    const bad = textOf(page, '#recount-bad')
    expect(bad).toContain('✗ 结果不一致')
    expect(bad).toContain(`公示的摘要：${'f'.repeat(64)}`)
    expect(bad).toContain(`重新计票的摘要：${'0'.repeat(64)}`)
    expect(attr(page, '#recount-bad', 'class')).toContain('recount-bad')
    expect(page.querySelector('#recount-ok')).toBeUndefined()
  })

  test('投票中还没到截止时间：没有“截止计票”“复核计票”、没有摘要', async () => {
    const page = await open()
    expect(page.querySelector('#close-btn')).toBeUndefined()
    expect(page.querySelector('#recount-btn')).toBeUndefined()
    expect(page.querySelector('#result-digest')).toBeUndefined()
  })

  test('“截止计票”只看后端的 can_close，不看手机的时间', async () => {
    const notYet = await open({ p: poll({ closes_at: inHours(-0.5), can_close: false }) })
    expect(notYet.querySelector('#close-btn')).toBeUndefined()
    const due = await open({ p: poll({ closes_at: inHours(0.5), can_close: true }) })
    expect(due.querySelector('#close-btn')).toBeDefined()
  })

  test('后端说能截止（can_close）：确认后 POST /close，显示已公示和摘要', async () => {
    const page = await open({ p: poll({ closes_at: inHours(-0.5), can_close: true }) })
    wx.server.reply('POST', '/polls/7/close', 200, poll(Object.assign({ closes_at: inHours(-0.5) }, CLOSED)))
    await tap(page, '#close-btn')
    await until(() => page.data.poll.status === 'closed')
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '截止计票' }))
    expect(wx.server.calls('POST', '/polls/7/close')).toHaveLength(1)
    expect(textOf(page, '#poll-status')).toBe('已公示')
    expect(page.querySelector('#close-btn')).toBeUndefined()
    expect(page.querySelector('#recount-btn')).toBeDefined()
    expect(textOf(page, '#result-digest')).toBe(`公示的计票摘要：${'f'.repeat(64)}`)
  })
})

test('未登录：去登录页；编号不对：不请求', async () => {
  const page = loadPage(PAGE)
  await page.instance.onLoad({ id: '7' })
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })

  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: SUPERVISOR })
  const again = loadPage(PAGE)
  await again.instance.onLoad({ id: '0' })
  expect(textOf(again, '#page-error')).toBe('表决编号不对')
  expect(wx.request).not.toHaveBeenCalled()
})
