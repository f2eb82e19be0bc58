const { installWx, until, flush } = require('./wx-mock')
const { loadPage, textOf, attr, tap, input } = require('./page-helper')
const api = require('../utils/api')
const polls = require('../utils/polls')
const { formatMeetingTime } = require('../utils/format')

const PAGE = 'pages/poll/poll'

const HOUSEHOLD = { id: 2, community_id: 1, community_name: '东海社区', building_id: 3, building_name: '3幢', unit: '1单元', room: '102', is_head: true }
const RESIDENT = { id: 42, name: '宋永华', roles: [{ role: 'resident', scope_id: 2, scope_name: null }], household: HOUSEHOLD }
const HEAD = { id: 5, name: '张大爷', roles: [{ role: 'building_head', scope_id: 3, scope_name: '3幢' }], household: HOUSEHOLD }
// 社区工作人员：不是监委会，也能截止计票（后端的 can_close）
const STAFF = { id: 6, name: '陈干事', roles: [{ role: 'staff', scope_id: 1, scope_name: '东海社区' }], household: null }

const HOUR = 60 * 60 * 1000
const inHours = h => new Date(Date.now() + h * HOUR).toISOString()

const QUESTIONS = [
  { id: 11, position: 1, text: '同意加装电梯', kind: 'yes_no', options: ['赞成', '反对', '弃权'], max_choices: 1 },
  { id: 12, position: 2, text: '电梯装在哪一侧', kind: 'single', options: ['东侧', '西侧'], max_choices: 1 },
  { id: 13, position: 3, text: '选两位监督员', kind: 'multiple', options: ['张三', '李四', '王五'], max_choices: 2 },
]

// 后端 Poll 的样子；默认：投票中的一户一票，我家还没投
function poll(fields = {}) {
  return Object.assign({
    id: 7, community_id: 1, title: '3幢加装电梯', description: '费用按楼层分摊', electorate: 'households', electorate_label: '一户一票',
    scope_kind: 'buildings', scope_ids: [3], rule: 'two_thirds', rule_label: '三分之二以上通过', quorum_percent: 50,
    secret: false, allow_change: false, show_tally: false, opens_at: inHours(-24), closes_at: inHours(48),
    status: 'open', status_label: '投票中', matter_id: null, closed_at: null, objections_until: null, result_digest: null,
    cancel_reason: null, questions: QUESTIONS, voters: 40, voted: 12, in_electorate: true, can_vote: true, my_ballot: null,
    result: null, can_manage: false, can_supervise: false,
    household_voted: false, cannot_vote_reason: null, can_close: false, can_object: false, can_enter_paper: false,
  }, fields)
}

// 投票人本人、截止前：后端给核对码和选择
const BALLOT = { receipt: 'K7M2PQ9XRT', tracker: 'T4WQ8ZNM3C', choices: { 11: [0], 12: [1], 13: [0, 2] }, via: 'phone', status: 'counted' }
// 无记名投票里户里别的成员、或者截止以后：只有回执码、方式和状态
const HIDDEN_BALLOT = { receipt: 'K7M2PQ9XRT', tracker: null, choices: null, via: 'phone', status: 'counted' }

let wx
beforeEach(() => {
  wx = installWx()
})

// board：截止后公示的全部选票，一页（{items, next_cursor, ballots_digest}）或几页（数组）
async function open(p, { user = RESIDENT, objections, board, saved, electorate, turnout } = {}) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
  if (saved) polls.saveBallot(p.id, saved)
  wx.server.reply('GET', `/polls/${p.id}`, 200, p)
  if (electorate) wx.server.reply('GET', `/polls/${p.id}/electorate`, 200, electorate)
  if (turnout) wx.server.reply('GET', `/polls/${p.id}/turnout`, 200, { items: turnout })
  if (objections) wx.server.reply('GET', `/polls/${p.id}/objections`, 200, { items: objections, next_cursor: null })
  if (board) [].concat(board).forEach(page => wx.server.reply('GET', `/polls/${p.id}/board`, 200, page))
  const page = loadPage(PAGE)
  await page.instance.onLoad({ id: String(p.id) })
  return page
}

function ballotPosts() {
  return wx.server.calls('POST', '/polls/7/ballots')
}

// 赞成、西侧、张三+王五
async function answerAll(page) {
  await tap(page, '#q-11-opt-0')
  await tap(page, '#q-12-opt-1')
  await tap(page, '#q-13-opt-0')
  await tap(page, '#q-13-opt-2')
}

const ANSWERS = [
  { question_id: 11, choices: [0] },
  { question_id: 12, choices: [1] },
  { question_id: 13, choices: [0, 2] },
]

describe('显示', () => {
  test('题目、说明、规则、时间、进度；是非题三个大按钮，单选、多选、弃权', async () => {
    const p = poll()
    const page = await open(p)

    expect(textOf(page, '#poll-title')).toBe('3幢加装电梯')
    expect(textOf(page, '#poll-status')).toBe('投票中')
    expect(textOf(page, '#poll-electorate')).toBe('一户一票')
    expect(textOf(page, '#poll-rule')).toBe('三分之二以上通过，参与率至少 50%')
    expect(textOf(page, '#poll-closes')).toBe(formatMeetingTime(p.closes_at))
    expect(textOf(page, '#poll-turnout')).toBe('已投 12 / 40')
    expect(textOf(page, '#poll-description')).toBe('费用按楼层分摊')
    expect(['#q-11-opt-0', '#q-11-opt-1', '#q-11-opt-2'].map(sel => textOf(page, sel))).toEqual(['赞成', '反对', '弃权'])
    expect(textOf(page, '#question-12')).toContain('单选')
    expect(textOf(page, '#question-13')).toContain('可多选，最多 2 项')
    expect(page.querySelector('#q-12-abstain')).toBeDefined()
    expect(textOf(page, '#vote-btn')).toBe('投票')
    // 居民不是监委会、楼栋长：没有那两个入口
    expect(page.querySelector('#supervise-btn')).toBeUndefined()
    expect(page.querySelector('#paper-btn')).toBeUndefined()
    expect(page.querySelector('#result')).toBeUndefined()
    expect(wx.server.unexpected).toEqual([])
  })

  test('编号不对：不请求后端；未登录：去登录页', async () => {
    api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: RESIDENT })
    const page = loadPage(PAGE)
    await page.instance.onLoad({ id: 'x' })
    expect(textOf(page, '#load-error')).toBe('表决编号不对')

    api.clearSession()
    const again = loadPage(PAGE)
    await again.instance.onLoad({ id: '7' })
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
    expect(wx.request).not.toHaveBeenCalled()
  })

  test('监委会成员有“监委会”入口；楼栋长在投票中有“录入纸质票”入口', async () => {
    const page = await open(poll({ can_supervise: true, can_enter_paper: true }), { user: HEAD })
    await tap(page, '#supervise-btn')
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/poll-supervise/poll-supervise?id=7' })
    await tap(page, '#paper-btn')
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/poll-paper/poll-paper?id=7' })
  })

  test('楼栋长：表决已截止时没有“录入纸质票”', async () => {
    const page = await open(poll({ status: 'closed', status_label: '已公示', can_vote: false }), { user: HEAD, objections: [] })
    expect(page.querySelector('#paper-btn')).toBeUndefined()
  })

  test('户里不是投票人、本户还没投：显示后端给的原因，没有投票表单，也不说“本户已投票”', async () => {
    const page = await open(poll({ can_vote: false, cannot_vote_reason: '本户由户主或户主指定的成员投票' }))
    expect(textOf(page, '#voter-hint')).toBe('本户由户主或户主指定的成员投票')
    expect(page.querySelector('#vote-form')).toBeUndefined()
    expect(page.querySelector('#household-voted')).toBeUndefined()
  })

  test('户里不是投票人、本户已经投了（household_voted）：显示“本户已投票”', async () => {
    const page = await open(poll({ can_vote: false, household_voted: true, voted: 13, cannot_vote_reason: '本户由户主或户主指定的成员投票' }))
    expect(textOf(page, '#household-voted')).toBe('✓ 本户已投票')
    expect(page.querySelector('#my-ballot')).toBeUndefined()
    expect(page.querySelector('#vote-form')).toBeUndefined()
    expect(textOf(page)).not.toContain('未投票')
  })

  test('不能投的原因照后端说的显示，不看手机的时间猜', async () => {
    // 手机上看还没到截止时间，后端说已经结束：照后端的
    const ended = await open(poll({ closes_at: inHours(1), can_vote: false, cannot_vote_reason: '投票未开始或已结束' }))
    expect(textOf(ended, '#voter-hint')).toBe('投票未开始或已结束')
    expect(ended.querySelector('#vote-form')).toBeUndefined()

    const outside = await open(poll({ in_electorate: false, can_vote: false, cannot_vote_reason: '不在本次表决的投票范围内' }))
    expect(textOf(outside, '#voter-hint')).toBe('不在本次表决的投票范围内')

    // 能投：没有原因，也没有提示
    const ok = await open(poll())
    expect(ok.querySelector('#voter-hint')).toBeUndefined()
  })
})

describe('投票', () => {
  test('选好后先确认（把选择念一遍），再 POST；成功后大字显示回执码和核对码（各说能证明什么、谁能看），都存在本机', async () => {
    const page = await open(poll())
    await answerAll(page)
    expect(attr(page, '#q-11-opt-0', 'class')).toContain('yes-no-on')
    expect(textOf(page, '#q-13-opt-0')).toContain('☑')
    expect(textOf(page, '#q-13-opt-1')).toContain('☐')

    wx.server.reply('POST', '/polls/7/ballots', 201, Object.assign({}, BALLOT, { changed: false }))
    wx.server.reply('GET', '/polls/7', 200, poll({ can_vote: false, my_ballot: BALLOT, voted: 13 }))
    await tap(page, '#vote-btn')
    await until(() => page.data.receiptNotice && wx.server.calls('GET', '/polls/7').length === 2)

    expect(wx.showModal).toHaveBeenCalledTimes(1)
    expect(wx.showModal.mock.calls[0][0].content).toBe('请确认您的选择：\n1. 同意加装电梯：赞成\n2. 电梯装在哪一侧：西侧\n3. 选两位监督员：张三、王五')
    expect(wx.showModal.mock.invocationCallOrder[0]).toBeLessThan(wx.request.mock.invocationCallOrder[wx.request.mock.calls.findIndex(c => c[0].method === 'POST')])
    expect(ballotPosts().map(r => r.data)).toEqual([{ answers: ANSWERS }])
    expect(ballotPosts()[0].header['Idempotency-Key']).toEqual(expect.any(String))
    expect(textOf(page, '#receipt-notice')).toContain('投票成功')
    expect(textOf(page, '#notice-receipt .receipt-code')).toBe('回执码：K7M2PQ9XRT')
    expect(textOf(page, '#notice-receipt .code-note')).toBe('可以给别人看：只能证明您的票已收到、已计票，看不出您投了什么。')
    expect(textOf(page, '#notice-tracker .receipt-code')).toBe('核对码：T4WQ8ZNM3C')
    expect(textOf(page, '#notice-tracker .code-note')).toBe('请自己保存，不要给别人看：截止后在公示的全部选票里用它找到您的票，核对选择有没有被改。')
    // 本机存下回执码、核对码和这次确认过的选择
    expect(polls.savedReceipt(7)).toBe('K7M2PQ9XRT')
    expect(polls.savedBallot(7)).toEqual({ receipt: 'K7M2PQ9XRT', tracker: 'T4WQ8ZNM3C', choices: { 11: [0], 12: [1], 13: [0, 2] } })
    // 重新读取后：显示我的选票，投票表单收起来
    expect(page.querySelector('#vote-form')).toBeUndefined()
    expect(textOf(page, '#my-ballot-receipt')).toBe('回执码：K7M2PQ9XRT')
    expect(textOf(page, '#my-ballot-tracker')).toContain('核对码：T4WQ8ZNM3C')
    expect(textOf(page, '#my-ballot-status')).toBe('手机投票 · 已计入')
    expect(textOf(page, '#my-ballot-choices')).toContain('3. 选两位监督员：张三、王五')
    expect(page.querySelector('#my-ballot-voted')).toBeUndefined()
    expect(textOf(page, '#poll-turnout')).toBe('已投 13 / 40')
    expect(wx.server.unexpected).toEqual([])
  })

  test('确认框点“取消”：不发', async () => {
    const page = await open(poll())
    await answerAll(page)
    wx.modalConfirm = false
    await page.instance.onSubmitVote()
    expect(wx.showModal).toHaveBeenCalledTimes(1)
    expect(ballotPosts()).toHaveLength(0)
  })

  test('有题没答：不弹确认框、不发，说明第几题没答', async () => {
    const page = await open(poll())
    await tap(page, '#q-11-opt-1')
    await tap(page, '#q-12-opt-0')
    await page.instance.onSubmitVote()
    expect(textOf(page, '#form-error')).toBe('第 3 题还没选：不想选可以点“弃权”')
    expect(wx.showModal).not.toHaveBeenCalled()
    expect(ballotPosts()).toHaveLength(0)

    // 弃权也算答了：发空数组
    await tap(page, '#q-13-abstain')
    wx.server.reply('POST', '/polls/7/ballots', 201, Object.assign({}, BALLOT, { changed: false }))
    wx.server.reply('GET', '/polls/7', 200, poll({ can_vote: false, my_ballot: BALLOT }))
    await page.instance.onSubmitVote()
    expect(ballotPosts()[0].data.answers).toEqual([
      { question_id: 11, choices: [1] }, { question_id: 12, choices: [0] }, { question_id: 13, choices: [] },
    ])
  })

  test('多选题最多选 2 项：第三项点不上，提示', async () => {
    const page = await open(poll())
    await tap(page, '#q-13-opt-0')
    await tap(page, '#q-13-opt-1')
    await tap(page, '#q-13-opt-2')
    expect(textOf(page, '#form-error')).toBe('这道题最多选 2 项')
    expect(textOf(page, '#q-13-opt-2')).toContain('☐')
    expect(textOf(page, '#q-13-opt-0')).toContain('☑')
    expect(textOf(page, '#q-13-opt-1')).toContain('☑')
  })

  test('没收到结果（服务出错）后再点：同样的选择用同一个幂等键；改了选择换新键', async () => {
    const page = await open(poll())
    await answerAll(page)
    wx.server.reply('POST', '/polls/7/ballots', 503, { error: { code: 'service_unavailable', message: '服务暂时不可用', details: {} } })
    await page.instance.onSubmitVote()
    expect(textOf(page, '#form-error')).toBe('服务暂时不可用')
    expect(page.data.receiptNotice).toBe('')

    wx.server.reply('POST', '/polls/7/ballots', 503, { error: { code: 'service_unavailable', message: '服务暂时不可用', details: {} } })
    await page.instance.onSubmitVote()
    const keys = ballotPosts().map(r => r.header['Idempotency-Key'])
    expect(keys[1]).toBe(keys[0])

    await tap(page, '#q-11-opt-1') // 改成反对
    wx.server.reply('POST', '/polls/7/ballots', 201, Object.assign({}, BALLOT, { changed: false }))
    wx.server.reply('GET', '/polls/7', 200, poll({ can_vote: false, my_ballot: BALLOT }))
    await page.instance.onSubmitVote()
    expect(ballotPosts()[2].data.answers[0]).toEqual({ question_id: 11, choices: [1] })
    expect(ballotPosts()[2].header['Idempotency-Key']).not.toBe(keys[0])
    expect(textOf(page, '#receipt-notice')).toContain('回执码：K7M2PQ9XRT')
  })

  test('网络断了：api.js 自动重试用同一个键；都失败后再点还是同一个键，只记一票', async () => {
    jest.useFakeTimers()
    try {
      const page = await open(poll())
      await answerAll(page)
      for (let i = 0; i < 3; i++) wx.server.networkFail('POST', '/polls/7/ballots')
      const first = page.instance.onSubmitVote()
      await jest.advanceTimersByTimeAsync(5000)
      await first
      expect(textOf(page, '#form-error')).toBe('网络不给力，请稍后再试')

      wx.server.reply('POST', '/polls/7/ballots', 201, Object.assign({}, BALLOT, { changed: false }))
      wx.server.reply('GET', '/polls/7', 200, poll({ can_vote: false, my_ballot: BALLOT }))
      const second = page.instance.onSubmitVote()
      await jest.advanceTimersByTimeAsync(100)
      await second
      const keys = new Set(ballotPosts().map(r => r.header['Idempotency-Key']))
      expect(ballotPosts()).toHaveLength(4)
      expect(keys.size).toBe(1)
      expect(textOf(page, '#receipt-notice')).toContain('K7M2PQ9XRT')
      expect(polls.savedBallot(7)).toEqual({ receipt: 'K7M2PQ9XRT', tracker: 'T4WQ8ZNM3C', choices: { 11: [0], 12: [1], 13: [0, 2] } })
    } finally {
      jest.useRealTimers()
    }
  })

  test('已经投过（409 already_voted）：显示后端的说明，重新读取后显示我家的选票', async () => {
    const page = await open(poll())
    await answerAll(page)
    wx.server.reply('POST', '/polls/7/ballots', 409, { error: { code: 'already_voted', message: '本户（本人）已经投过票', details: { status: 'counted' } } })
    wx.server.reply('GET', '/polls/7', 200, poll({ can_vote: false, my_ballot: BALLOT }))
    await page.instance.onSubmitVote()

    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '本户（本人）已经投过票', icon: 'none' }))
    expect(textOf(page, '#form-error')).toBe('本户（本人）已经投过票')
    expect(page.querySelector('#vote-form')).toBeUndefined()
    expect(textOf(page, '#my-ballot-receipt')).toBe('回执码：K7M2PQ9XRT')
    expect(page.querySelector('#receipt-notice')).toBeUndefined()
  })

  test('不是本户的投票人（403 not_household_voter）：显示“本户由户主或户主指定的成员投票”', async () => {
    const page = await open(poll())
    await answerAll(page)
    wx.server.reply('POST', '/polls/7/ballots', 403, { error: { code: 'not_household_voter', message: '本户由户主或户主指定的成员投票', details: {} } })
    wx.server.reply('GET', '/polls/7', 200, poll({ can_vote: false }))
    await page.instance.onSubmitVote()
    expect(textOf(page, '#form-error')).toBe('本户由户主或户主指定的成员投票')
  })

  test('允许改票：已投的显示“修改我的选票”，放回原来的选择，改了再投', async () => {
    const page = await open(poll({ allow_change: true, my_ballot: BALLOT }))
    expect(page.querySelector('#vote-form')).toBeUndefined()
    expect(textOf(page, '#poll-secret')).toContain('截止前可以改票')
    await tap(page, '#change-btn')
    expect(textOf(page, '#vote-form')).toContain('修改我的选票')
    expect(attr(page, '#q-11-opt-0', 'class')).toContain('yes-no-on')
    expect(textOf(page, '#vote-btn')).toBe('提交修改')

    await tap(page, '#q-11-opt-1')
    const changed = { receipt: 'K7M2PQ9XRT', tracker: 'N3WTRACK88', choices: { 11: [1], 12: [1], 13: [0, 2] }, via: 'phone', status: 'counted', changed: true }
    wx.server.reply('POST', '/polls/7/ballots', 201, changed)
    wx.server.reply('GET', '/polls/7', 200, poll({ allow_change: true, my_ballot: changed }))
    await page.instance.onSubmitVote()
    expect(wx.showModal.mock.calls[0][0].title).toBe('确认修改选票')
    expect(ballotPosts()[0].data.answers[0]).toEqual({ question_id: 11, choices: [1] })
    expect(textOf(page, '#receipt-notice')).toContain('已修改您的选票')
    expect(textOf(page, '#my-ballot-choices')).toContain('1. 同意加装电梯：反对')
    expect(page.querySelector('#vote-form')).toBeUndefined()
    expect(page.querySelector('#change-btn')).toBeDefined()
    // 本机存的换成改过的：新的核对码、改过的选择
    expect(textOf(page, '#notice-tracker .receipt-code')).toBe('核对码：N3WTRACK88')
    expect(polls.savedBallot(7)).toEqual({ receipt: 'K7M2PQ9XRT', tracker: 'N3WTRACK88', choices: { 11: [1], 12: [1], 13: [0, 2] } })
  })

  test('保存的选择是这部手机上确认过的那一份（不是后端回的）', async () => {
    const page = await open(poll())
    await answerAll(page)
    // 后端回的 choices 和发的不一样：本机存发出去、投票人确认过的
    wx.server.reply('POST', '/polls/7/ballots', 201, Object.assign({}, BALLOT, { choices: { 11: [1], 12: [0], 13: [] }, changed: false }))
    wx.server.reply('GET', '/polls/7', 200, poll({ can_vote: false, my_ballot: BALLOT }))
    await page.instance.onSubmitVote()
    expect(polls.savedBallot(7).choices).toEqual({ 11: [0], 12: [1], 13: [0, 2] })
  })

  test('纸质票待确认：显示“纸质票待监委会确认”', async () => {
    const page = await open(poll({ can_vote: false, my_ballot: { receipt: 'PAPER12345', choices: { 11: [0], 12: [0], 13: [] }, via: 'paper', status: 'pending' } }))
    expect(textOf(page, '#my-ballot-status')).toBe('纸质票 · 纸质票待监委会确认')
    expect(page.querySelector('#change-btn')).toBeUndefined()
  })
})

describe('看不到选了什么的选票（choices 为 null）', () => {
  const SECRET = { secret: true, can_vote: false, household_voted: true, cannot_vote_reason: '本户由户主或户主指定的成员投票' }

  test('无记名投票、户里别的成员：“本户已投票”和说明，没有选择、没有核对码', async () => {
    const page = await open(poll(Object.assign({}, SECRET, { my_ballot: HIDDEN_BALLOT })))
    expect(textOf(page, '#my-ballot .subtitle')).toBe('本户的选票')
    expect(textOf(page, '#my-ballot-receipt')).toBe('回执码：K7M2PQ9XRT')
    expect(textOf(page, '#my-ballot-status')).toBe('手机投票 · 已计入')
    expect(textOf(page, '#my-ballot-voted')).toBe('✓ 本户已投票')
    expect(textOf(page, '#my-ballot-secret')).toBe('无记名投票：只有投票人本人能看到选了什么')
    expect(page.querySelector('#my-ballot-choices')).toBeUndefined()
    expect(page.querySelector('#my-ballot-tracker')).toBeUndefined()
    expect(page.querySelector('#my-ballot-saved')).toBeUndefined()
    expect(textOf(page, '#my-ballot')).not.toContain('同意加装电梯')
    expect(textOf(page, '#poll-secret')).toContain('无记名投票')
    // 本机什么也没存：不会把别人的票当成自己的
    expect(polls.savedBallot(7)).toBeNull()
    expect(wx.server.unexpected).toEqual([])
  })

  test('实名投票里看不到选择（纸质票等）：只说“本户已投票”，不说无记名', async () => {
    const page = await open(poll({ can_vote: false, household_voted: true, my_ballot: HIDDEN_BALLOT }))
    expect(textOf(page, '#my-ballot-voted')).toBe('✓ 本户已投票')
    expect(page.querySelector('#my-ballot-secret')).toBeUndefined()
  })

  test('投票人自己的手机（本机存着这张票的选择）：显示本机存的，写明只存在本机', async () => {
    const saved = { receipt: 'K7M2PQ9XRT', tracker: 'T4WQ8ZNM3C', choices: { 11: [1], 12: [0], 13: [] } }
    const page = await open(poll(Object.assign({}, SECRET, { my_ballot: HIDDEN_BALLOT })), { saved })
    expect(textOf(page, '#my-ballot-voted')).toBe('✓ 本户已投票')
    const text = textOf(page, '#my-ballot-saved')
    expect(text).toContain('这部手机上存的您投的选择（只存在本机）')
    expect(text).toContain('1. 同意加装电梯：反对')
    expect(text).toContain('3. 选两位监督员：弃权')

    // 本机存的是另一张票（回执码不一样）：不拿来显示
    const other = await open(poll(Object.assign({}, SECRET, { my_ballot: HIDDEN_BALLOT })), { saved: Object.assign({}, saved, { receipt: 'OTHER12345' }) })
    expect(other.querySelector('#my-ballot-saved')).toBeUndefined()
  })

  test('投票人本人、截止前（后端给了核对码和选择）：显示出来；本机没存就存下，存着同一个核对码的不覆盖', async () => {
    const page = await open(poll({ secret: true, can_vote: false, my_ballot: BALLOT }))
    expect(textOf(page, '#my-ballot .subtitle')).toBe('我的选票')
    expect(textOf(page, '#my-ballot-tracker')).toBe('核对码：T4WQ8ZNM3C（请自己保存，不要给别人看）')
    expect(textOf(page, '#my-ballot-choices')).toContain('2. 电梯装在哪一侧：西侧')
    expect(polls.savedBallot(7)).toEqual({ receipt: 'K7M2PQ9XRT', tracker: 'T4WQ8ZNM3C', choices: { 11: [0], 12: [1], 13: [0, 2] } })

    const mine = { receipt: 'K7M2PQ9XRT', tracker: 'T4WQ8ZNM3C', choices: { 11: [1], 12: [1], 13: [0, 2] } }
    await open(poll({ secret: true, can_vote: false, my_ballot: BALLOT }), { saved: mine })
    expect(polls.savedBallot(7)).toEqual(mine)
  })

  test('旧版本只存了回执码（字符串）：照样认，查选票框里填好', async () => {
    api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: RESIDENT })
    wx.storage[polls.RECEIPTS_KEY] = { user_id: RESIDENT.id, receipts: { 7: 'K7M2PQ9XRT' } }
    const page = await open(poll(Object.assign({}, SECRET, { my_ballot: HIDDEN_BALLOT })))
    expect(page.data.receiptInput).toBe('K7M2PQ9XRT')
    expect(polls.savedBallot(7)).toEqual({ receipt: 'K7M2PQ9XRT', tracker: '', choices: null })
    expect(page.querySelector('#my-ballot-saved')).toBeUndefined()
  })
})

describe('查回执', () => {
  test('输入回执码（小写、带空格也行）→ 只显示收到、计入了没有，不显示选了什么；查不到显示后端的说明', async () => {
    const page = await open(poll())
    expect(textOf(page, '#receipt-check-note')).toBe('查回执码：只显示这张票是否已收到、已计入结果，不显示投了什么。')
    await input(page, '#receipt-input', ' k7m2 pq9xrt ')
    wx.server.reply('GET', '/polls/7/receipts/K7M2PQ9XRT', 200, { receipt: 'K7M2PQ9XRT', via: 'phone', status: 'counted', counted: true, in_result: false })
    await tap(page, '#receipt-btn')
    await until(() => page.data.receiptCheck)
    expect(textOf(page, '#receipt-result')).toBe('手机投票 · 已计入 · 截止后计入结果')
    expect(textOf(page, '#receipt-check')).not.toContain('电梯装在哪一侧')
    expect(page.data.receiptCheck).not.toHaveProperty('lines')

    // 后端万一还带着 choices：页面也不显示
    await input(page, '#receipt-input', 'K7M2PQ9XRT')
    wx.server.reply('GET', '/polls/7/receipts/K7M2PQ9XRT', 200, Object.assign({}, BALLOT, { counted: true, in_result: true }))
    await tap(page, '#receipt-btn')
    await until(() => page.data.receiptCheck)
    expect(textOf(page, '#receipt-result')).toBe('手机投票 · 已计入 · 已计入公示的结果')
    expect(textOf(page, '#receipt-check')).not.toContain('西侧')

    await input(page, '#receipt-input', 'WRONG12345')
    wx.server.reply('GET', '/polls/7/receipts/WRONG12345', 404, { error: { code: 'not_found', message: '没有找到这张选票，请核对回执码', details: {} } })
    await tap(page, '#receipt-btn')
    await until(() => page.data.receiptError)
    expect(textOf(page, '#receipt-error')).toBe('没有找到这张选票，请核对回执码')
    expect(page.querySelector('#receipt-result')).toBeUndefined()
    expect(wx.server.unexpected).toEqual([])
  })

  test('没填回执码：不请求', async () => {
    const page = await open(poll())
    await tap(page, '#receipt-btn')
    expect(textOf(page, '#receipt-error')).toBe('请输入回执码（字母和数字）')
    expect(wx.server.requests.filter(r => r.path.includes('/receipts/'))).toHaveLength(0)
  })
})

describe('结果和异议', () => {
  const approval = (value, of, met, fields = {}) => Object.assign({ name: 'approval', label: '赞成票占投票数', value, of, unit: '户/人', required: '≥ 2/3', met }, fields)
  const RESULT = {
    rule: 'two_thirds', rule_label: '三分之二以上通过', quorum_percent: 50,
    electorate: { people: 40, area: '0.00' }, participants: { people: 30, area: '0.00' },
    ballots: 30, pending_paper: 2, ballots_digest: '9f2c4e7a1b3d5f60aa11bb22cc33dd44ee55ff6600112233445566778899aabb',
    questions: [
      { question_id: 11, text: '同意加装电梯', kind: 'yes_no', passed: true, chosen: [0], tie: false,
        thresholds: [{ name: 'quorum', label: '参与率', value: '30', of: '40', unit: '户/人', required: '≥ 1/2', met: true }, approval('21', '30', true)],
        options: [
          { label: '赞成', people: 21, area: '0.00', passed: true, thresholds: [] },
          { label: '反对', people: 6, area: '0.00', passed: false, thresholds: [] },
          { label: '弃权', people: 3, area: '0.00', passed: false, thresholds: [] },
        ] },
      { question_id: 12, text: '电梯装在哪一侧', kind: 'single', passed: false, chosen: [], tie: false, thresholds: [],
        options: [
          { label: '东侧', people: 14, area: '0.00', passed: false, thresholds: [approval('14', '30', false)] },
          { label: '西侧', people: 16, area: '0.00', passed: false, thresholds: [approval('16', '30', false)] },
        ] },
    ],
  }
  const closed = fields => poll(Object.assign({
    status: 'closed', status_label: '已公示', can_vote: false, cannot_vote_reason: '投票未开始或已结束', household_voted: true,
    my_ballot: HIDDEN_BALLOT, result: RESULT, closed_at: inHours(-1), objections_until: inHours(24 * 6), can_object: true,
    result_digest: '0123456789abcdef'.repeat(4),
  }, fields))

  test('每题通过没有、每项多少户、每道门槛的数字和 ✓/✗、参与/总数、没确认的纸质票、计票摘要', async () => {
    const page = await open(closed(), { objections: [] })
    expect(textOf(page, '#result')).toContain('表决结果')
    expect(textOf(page, '#result-turnout')).toBe('参与 30 户 / 共 40 户')
    expect(textOf(page, '#result-pending')).toContain('有 2 张纸质票')
    const q1 = textOf(page, '#result-q-11')
    expect(q1).toContain('✓ 通过')
    expect(q1).toContain('参与率：30 / 40（≥ 1/2）✓')
    expect(q1).toContain('赞成票占投票数：21 / 30（≥ 2/3）✓')
    expect(textOf(page, '#result-opt-11-0 .result-option-label')).toBe('赞成')
    expect(textOf(page, '#result-opt-11-0 .result-option-count')).toBe('21 户')
    expect(textOf(page, '#result-opt-11-1')).toContain('反对')
    expect(textOf(page, '#result-opt-11-1 .result-option-count')).toBe('6 户')
    expect(q1).not.toContain('m²')
    const q2 = textOf(page, '#result-q-12')
    expect(q2).toContain('✗ 没有选项通过')
    expect(textOf(page, '#result-opt-12-1 .result-option-count')).toBe('16 户')
    expect(textOf(page, '#result-opt-12-1')).toContain('赞成票占投票数：16 / 30（≥ 2/3）✗')
    expect(textOf(page, '#result-opt-12-0')).toContain('赞成票占投票数：14 / 30（≥ 2/3）✗')
    expect(textOf(page, '#result-ballots')).toBe('共 30 张有效票')
    // 计票摘要是冻结结果的 result_digest（监委会复核比对的也是它），不是 ballots_digest
    expect(textOf(page, '#result-digest')).toBe('计票摘要：0123456789abcdef…')
    expect(textOf(page, '#result')).not.toContain('9f2c4e7a')
  })

  test('投票中公开计票（show_tally）：显示目前的计票，还没有计票摘要', async () => {
    const page = await open(poll({ show_tally: true, result: RESULT }))
    expect(textOf(page, '#result')).toContain('目前的计票（还没截止）')
    expect(textOf(page, '#result-ballots')).toBe('共 30 张有效票')
    expect(page.querySelector('#result-digest')).toBeUndefined()
  })

  test('业主表决：每项还显示面积，面积门槛带 m²', async () => {
    const owners = Object.assign({}, RESULT, {
      rule: 'owners_special', rule_label: '业主共同决定（重大事项）', quorum_percent: null,
      electorate: { people: 40, area: '3600.00' }, participants: { people: 30, area: '2800.50' },
      questions: [Object.assign({}, RESULT.questions[0], {
        thresholds: [approval('2200.00', '2800.50', true, { label: '同意的专有部分面积占参与表决面积', unit: 'm²', required: '≥ 3/4' })],
        options: [{ label: '赞成', people: 21, area: '2200.00', passed: true, thresholds: [] }],
      })],
    })
    const page = await open(closed({ electorate: 'owners', electorate_label: '业主表决（按面积和人数）', rule: 'owners_special', result: owners }), { objections: [] })
    expect(textOf(page, '#result-turnout')).toBe('参与 30 人，2800.50 m² / 共 40 人，3600.00 m²')
    expect(textOf(page, '#result-opt-11-0 .result-option-count')).toBe('21 人，2200.00 m²')
    expect(textOf(page, '#result-q-11')).toContain('同意的专有部分面积占参与表决面积：2200.00 / 2800.50 m²（≥ 3/4）✓')
  })

  test('公示期内：显示异议和答复，可以提出异议（带幂等键，重发同一个键）', async () => {
    const objections = [
      { id: 1, text: '计票时间太短', created_at: inHours(-0.5), answer: '按规定公示 7 天', answered_at: inHours(-0.2), mine: false, household: null },
      { id: 2, text: '我家的票没算上', created_at: inHours(-0.1), answer: null, answered_at: null, mine: true, household: null },
    ]
    const page = await open(closed(), { objections })
    expect(wx.server.calls('GET', '/polls/7/objections')).toHaveLength(1)
    expect(textOf(page, '#objection-1')).toContain('监委会答复：按规定公示 7 天')
    expect(textOf(page, '#objection-2')).toContain('（我提的）')
    expect(textOf(page, '#objection-2')).toContain('等待监委会答复')

    await tap(page, '#objection-btn')
    expect(textOf(page, '#objection-error')).toBe('请写明您对结果有什么异议（至少 2 个字）')

    await input(page, '#objection-input', '  电梯位置应该重新投  ')
    wx.server.reply('POST', '/polls/7/objections', 503, { error: { code: 'service_unavailable', message: '服务暂时不可用', details: {} } })
    await page.instance.onSubmitObjection()
    expect(textOf(page, '#objection-error')).toBe('服务暂时不可用')

    const mine = { id: 3, text: '电梯位置应该重新投', created_at: new Date().toISOString(), answer: null, answered_at: null, mine: true, household: null }
    wx.server.reply('POST', '/polls/7/objections', 201, mine)
    wx.server.reply('GET', '/polls/7/objections', 200, { items: objections.concat([mine]), next_cursor: null })
    await page.instance.onSubmitObjection()
    const posts = wx.server.calls('POST', '/polls/7/objections')
    expect(posts.map(r => r.data)).toEqual([{ text: '电梯位置应该重新投' }, { text: '电梯位置应该重新投' }])
    expect(posts[1].header['Idempotency-Key']).toBe(posts[0].header['Idempotency-Key'])
    expect(textOf(page, '#objection-3')).toContain('电梯位置应该重新投')
    expect(page.data.objectionText).toBe('')
  })

  test('后端说不能提异议（can_object 为假：公示期过了、不在投票范围）：只看异议，没有提异议的框', async () => {
    // 手机上看还在公示期内，也照后端的
    const page = await open(closed({ objections_until: inHours(24), can_object: false }), { objections: [] })
    expect(page.querySelector('#objections')).toBeDefined()
    expect(page.querySelector('#objection-input')).toBeUndefined()
    expect(page.querySelector('#objection-btn')).toBeUndefined()
  })

  describe('截止计票', () => {
    // 过了截止时间、定时计票没跑：后端给能截止的人 can_close
    const overdue = fields => poll(Object.assign({
      closes_at: inHours(-1), in_electorate: false, can_vote: false, cannot_vote_reason: '投票未开始或已结束', can_manage: true, can_close: true,
    }, fields))

    test('工作人员（不是监委会）在详情页就能截止：确认后 POST /polls/{id}/close，显示结果、摘要和公示', async () => {
      const page = await open(overdue(), { user: STAFF, turnout: [] })
      expect(page.querySelector('#supervise-btn')).toBeUndefined()
      expect(textOf(page, '#close-btn')).toBe('截止计票')

      wx.server.reply('POST', '/polls/7/close', 200, closed({
        closes_at: inHours(-1), in_electorate: false, household_voted: false, my_ballot: null, can_object: false, can_manage: true,
        cannot_vote_reason: '不在本次表决的投票范围内', result_digest: 'e'.repeat(64),
      }))
      wx.server.reply('GET', '/polls/7/objections', 200, { items: [], next_cursor: null })
      wx.server.reply('GET', '/polls/7/board', 200, { items: [], next_cursor: null, ballots_digest: 'd'.repeat(64) })
      await tap(page, '#close-btn')
      await until(() => !page.data.busy && wx.server.calls('GET', '/polls/7/objections').length === 1 && page.data.board && !page.data.board.loading)

      expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '截止计票' }))
      const posts = wx.server.calls('POST', '/polls/7/close')
      expect(posts).toHaveLength(1)
      expect(posts[0].header['Idempotency-Key']).toBeUndefined()
      expect(textOf(page, '#poll-status')).toBe('已公示')
      expect(page.querySelector('#close-btn')).toBeUndefined()
      expect(textOf(page, '#result-digest')).toBe(`计票摘要：${'e'.repeat(16)}…`)
      expect(page.querySelector('#objections')).toBeDefined()
      expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已计票公示' }))
      expect(wx.server.unexpected).toEqual([])
    })

    test('过了截止时间，但后端没给 can_close（普通居民）：没有“截止计票”', async () => {
      const page = await open(overdue({ can_close: false, can_manage: false }))
      expect(page.querySelector('#close-btn')).toBeUndefined()
    })

    test('确认框点取消：不发；别人已经截止了（409）：显示说明，重新读取', async () => {
      const page = await open(overdue(), { user: STAFF })
      wx.modalConfirm = false
      await page.instance.onClosePoll()
      expect(wx.server.calls('POST', '/polls/7/close')).toHaveLength(0)

      wx.modalConfirm = true
      wx.server.reply('POST', '/polls/7/close', 409, { error: { code: 'invalid_transition', message: '表决当前状态不能进行此操作', details: { status: 'closed' } } })
      wx.server.reply('GET', '/polls/7', 200, closed({ in_electorate: false, household_voted: false, my_ballot: null, can_object: false }))
      wx.server.reply('GET', '/polls/7/objections', 200, { items: [], next_cursor: null })
      wx.server.reply('GET', '/polls/7/board', 200, { items: [], next_cursor: null, ballots_digest: 'd'.repeat(64) })
      await page.instance.onClosePoll()
      expect(wx.server.calls('POST', '/polls/7/close')).toHaveLength(1)
      expect(textOf(page, '#close-error')).toBe('表决当前状态不能进行此操作')
      expect(textOf(page, '#poll-status')).toBe('已公示')
      expect(page.querySelector('#close-btn')).toBeUndefined()
    })
  })

  test('投票中不显示结果和异议（show_tally 关着）', async () => {
    const page = await open(poll())
    expect(page.querySelector('#result')).toBeUndefined()
    expect(page.querySelector('#objections')).toBeUndefined()
    await flush()
    expect(wx.server.calls('GET', '/polls/7/objections')).toHaveLength(0)
  })

  describe('公示的全部选票', () => {
    // 和 RESULT 对得上的 30 张票：第 1 题 21 赞成、6 反对、3 弃权；第 2 题 14 东侧、16 西侧。核对码从小到大
    const tracker = i => `B${String(i).padStart(9, '0')}`
    const boardItems = () => Array.from({ length: 30 }, (_, i) => ({
      tracker: tracker(i),
      choices: { 11: [i < 21 ? 0 : i < 27 ? 1 : 2], 12: [i < 14 ? 0 : 1], 13: [] },
      people: 1,
      area: '0.00',
    }))
    // 公布结果里的选票摘要：按这 30 张票算的（算法和后端一样，见 polls-util.test.js 里用 Python 算的例子）
    const DIGEST = polls.boardDigest(boardItems())
    // 分两页：第一页 20 张（next_cursor 是最后一张的核对码），第二页 10 张
    const twoPages = items => [
      { items: items.slice(0, 20), next_cursor: items[19].tracker, ballots_digest: DIGEST },
      { items: items.slice(20), next_cursor: null, ballots_digest: DIGEST },
    ]
    const secretClosed = fields => closed(Object.assign({ secret: true, result: Object.assign({}, RESULT, { ballots_digest: DIGEST }) }, fields))
    const boardLoaded = page => until(() => page.data.board && !page.data.board.loading)

    test('投票中、未开始、已取消：不读公示的选票（后端截止前答 409），也没有这一栏', async () => {
      for (const fields of [{}, { status: 'scheduled', status_label: '未开始', can_vote: false }, { status: 'cancelled', status_label: '已取消', can_vote: false }]) {
        const page = await open(poll(fields))
        await flush()
        expect(page.querySelector('#board')).toBeUndefined()
      }
      expect(wx.server.calls('GET', '/polls/7/board')).toHaveLength(0)
      expect(wx.server.unexpected).toEqual([])
    })

    test('截止后一页页读完（cursor 是上一页最后的核对码）：共几张，重新计票和公布的结果一致', async () => {
      const page = await open(secretClosed(), { objections: [], board: twoPages(boardItems()) })
      await boardLoaded(page)
      const calls = wx.server.calls('GET', '/polls/7/board')
      expect(calls.map(c => c.query)).toEqual([{ limit: '500' }, { cursor: tracker(19), limit: '500' }])
      expect(textOf(page, '#board-count')).toBe('共 30 张选票')
      expect(textOf(page, '#board-recount')).toBe('✓ 按公示的选票重新计票：与公布结果一致')
      // 这部手机上没存核对码：可以输入
      expect(textOf(page, '#board')).toContain('这部手机上没有存您这次的核对码')
      expect(page.querySelector('#board-mine')).toBeUndefined()
      expect(page.querySelector('#tracker-input')).toBeDefined()
      expect(wx.server.unexpected).toEqual([])
    })

    test('对不上（一张票的选择和公布的结果不符、少了一张）：写明哪里不一致，请联系监委会', async () => {
      const items = boardItems()
      items[0].choices = { 11: [1], 12: [0], 13: [] } // 赞成 → 反对
      const page = await open(secretClosed(), { objections: [], board: { items, next_cursor: null, ballots_digest: DIGEST } })
      await boardLoaded(page)
      const text = textOf(page, '#board-recount')
      expect(text).toContain('✗ 按公示的选票重新计票：与公布结果不一致，请联系监委会')
      expect(text).toContain('第 1 题“赞成”：公示的选票 20 户，公布的结果 21 户')
      expect(text).toContain('第 1 题“反对”：公示的选票 7 户，公布的结果 6 户')
      expect(text).not.toContain('选票张数')

      const fewer = boardItems().filter((_, i) => i !== 29)
      const again = await open(secretClosed(), { objections: [], board: { items: fewer, next_cursor: null, ballots_digest: DIGEST } })
      await boardLoaded(again)
      expect(textOf(again, '#board-count')).toBe('共 29 张选票')
      expect(textOf(again, '#board-recount')).toContain('选票张数：公示 29 张，公布的结果 30 张')
      expect(textOf(again, '#board-recount')).toContain('与公布结果不一致，请联系监委会')
    })

    test('人数都对，但按公示的选票算出的选票摘要和公布结果里的不一样（比如核对码被换了）：也算不一致', async () => {
      const items = boardItems()
      items[5].tracker = 'B00000005X' // 换了一张票的核对码：计数不变，摘要变了
      const page = await open(secretClosed(), { objections: [], board: { items, next_cursor: null, ballots_digest: DIGEST } })
      await boardLoaded(page)
      expect(page.data.board.differences).toEqual(['按公示的选票算出的选票摘要和公布结果里的不一样'])
      expect(textOf(page, '#board-recount')).toContain('与公布结果不一致，请联系监委会')
      expect(textOf(page, '#board-recount')).toContain('按公示的选票算出的选票摘要和公布结果里的不一样')
    })

    test('我的选票：用本机存的核对码找到，写出选了什么，和投的一致', async () => {
      const saved = { receipt: 'K7M2PQ9XRT', tracker: tracker(25), choices: { 11: [1], 12: [1], 13: [] } }
      const page = await open(secretClosed(), { objections: [], board: twoPages(boardItems()), saved })
      await boardLoaded(page)
      expect(textOf(page, '#board-mine')).toContain(`核对码：${tracker(25)}（本机存的）`)
      expect(page.data.boardMine.lines.map(l => l.text)).toEqual(['1. 同意加装电梯：反对', '2. 电梯装在哪一侧：西侧', '3. 选两位监督员：弃权'])
      expect(textOf(page, '#board-mine-choices')).toContain('2. 电梯装在哪一侧：西侧')
      expect(textOf(page, '#board-mine-verdict')).toBe('✓ 与您投的一致')
      // 截止后服务器不再给选择：上面“本户的选票”显示本机存的
      expect(textOf(page, '#my-ballot-voted')).toBe('✓ 本户已投票')
      expect(textOf(page, '#my-ballot-secret')).toContain('只有投票人本人能看到选了什么')
      expect(textOf(page, '#my-ballot-saved')).toContain('1. 同意加装电梯：反对')
    })

    test('我的选票和投的不一样：请向监委会提出异议（异议框就在下面），也写出本机存的选择', async () => {
      const saved = { receipt: 'K7M2PQ9XRT', tracker: tracker(3), choices: { 11: [1], 12: [0], 13: [] } }
      const page = await open(secretClosed(), { objections: [], board: { items: boardItems(), next_cursor: null, ballots_digest: DIGEST }, saved })
      await boardLoaded(page)
      expect(textOf(page, '#board-mine-choices')).toContain('1. 同意加装电梯：赞成')
      const verdict = textOf(page, '#board-mine-verdict')
      expect(verdict).toContain('✗ 与您投的不一致，请向监委会提出异议')
      expect(verdict).toContain('1. 同意加装电梯：反对')
      expect(page.querySelector('#objection-input')).toBeDefined()
    })

    test('本机存的核对码在公示的选票里没有：说明，请提出异议', async () => {
      const saved = { receipt: 'K7M2PQ9XRT', tracker: 'ZZZZZZZZZZ', choices: { 11: [0], 12: [0], 13: [] } }
      const page = await open(secretClosed(), { objections: [], board: { items: boardItems(), next_cursor: null, ballots_digest: DIGEST }, saved })
      await boardLoaded(page)
      expect(textOf(page, '#board-mine-missing')).toContain('公示的选票里没有这个核对码')
      expect(page.querySelector('#board-mine-choices')).toBeUndefined()
    })

    test('输入抄下的核对码（小写、空格也行）找我的票；没填、不对时说明，不请求后端', async () => {
      const page = await open(secretClosed(), { objections: [], board: { items: boardItems(), next_cursor: null, ballots_digest: DIGEST } })
      await boardLoaded(page)
      const requests = wx.server.requests.length

      await tap(page, '#tracker-btn')
      expect(textOf(page, '#tracker-error')).toBe('请输入核对码（字母和数字）')

      await input(page, '#tracker-input', ' b000 000 028 ')
      await tap(page, '#tracker-btn')
      expect(page.querySelector('#tracker-error')).toBeUndefined()
      expect(page.data.trackerInput).toBe(tracker(28))
      expect(textOf(page, '#board-mine')).toContain(`核对码：${tracker(28)}`)
      expect(textOf(page, '#board-mine')).not.toContain('本机存的')
      expect(textOf(page, '#board-mine-choices')).toContain('1. 同意加装电梯：弃权')
      // 本机没存选择：没法替他比，请他自己核对
      expect(textOf(page, '#board-mine-verdict')).toBe('请核对这是不是您投的；不是的话请向监委会提出异议。')

      await input(page, '#tracker-input', 'NOSUCH0000')
      await tap(page, '#tracker-btn')
      expect(textOf(page, '#board-mine-missing')).toContain('公示的选票里没有这个核对码')
      // 在手机上找，不再请求后端（谁查了哪个核对码，后端不知道）
      expect(wx.server.requests.length).toBe(requests)
    })

    test('输入的就是本机存的核对码：也和投的比', async () => {
      const saved = { receipt: 'K7M2PQ9XRT', tracker: tracker(0), choices: { 11: [0], 12: [0], 13: [] } }
      const page = await open(secretClosed(), { objections: [], board: { items: boardItems(), next_cursor: null, ballots_digest: DIGEST }, saved })
      await boardLoaded(page)
      await input(page, '#tracker-input', tracker(0).toLowerCase())
      await tap(page, '#tracker-btn')
      expect(textOf(page, '#board-mine-verdict')).toBe('✓ 与您投的一致')
    })

    test('公示的选票读不出来：说明和“重新加载”，重新加载后显示', async () => {
      const p = secretClosed()
      api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: RESIDENT })
      wx.server.reply('GET', '/polls/7', 200, p)
      wx.server.reply('GET', '/polls/7/objections', 200, { items: [], next_cursor: null })
      wx.server.reply('GET', '/polls/7/board', 503, { error: { code: 'service_unavailable', message: '服务暂时不可用', details: {} } })
      const page = loadPage(PAGE)
      await page.instance.onLoad({ id: '7' })
      expect(textOf(page, '#board-error')).toBe('服务暂时不可用')
      expect(page.querySelector('#board-count')).toBeUndefined()

      wx.server.reply('GET', '/polls/7/board', 200, { items: boardItems(), next_cursor: null, ballots_digest: DIGEST })
      await tap(page, '#board-retry-btn')
      await until(() => page.data.board && page.data.board.count === 30)
      expect(page.querySelector('#board-error')).toBeUndefined()
      expect(textOf(page, '#board-recount')).toBe('✓ 按公示的选票重新计票：与公布结果一致')
      expect(wx.server.unexpected).toEqual([])
    })

    test('业主表决：选票带面积，居民不读公示的选票（后端只给组织者和监委会）', async () => {
      const p = closed({ electorate: 'owners', electorate_label: '业主表决（按面积和人数）', rule: 'owners_ordinary', can_manage: false, can_supervise: false })
      const page = await open(p, { objections: [] })
      await flush()
      expect(page.querySelector('#board')).toBeUndefined()
      expect(wx.server.calls('GET', '/polls/7/board')).toHaveLength(0)
      expect(wx.server.unexpected).toEqual([])
    })

    test('业主表决（监委会看）：按面积也重新计票（两位小数，整数分加，没有小数误差）', async () => {
      const owners = Object.assign({}, RESULT, {
        rule: 'owners_ordinary', rule_label: '业主共同决定（一般事项）', quorum_percent: null,
        electorate: { people: 40, area: '3600.00' }, participants: { people: 3, area: '0.30' }, ballots: 3,
        questions: [Object.assign({}, RESULT.questions[0], {
          options: [
            { label: '赞成', people: 2, area: '0.20', passed: true, thresholds: [] },
            { label: '反对', people: 1, area: '0.10', passed: false, thresholds: [] },
            { label: '弃权', people: 0, area: '0.00', passed: false, thresholds: [] },
          ],
        })],
      })
      // 0.1 + 0.1 用浮点数加是 0.2，但 0.1 + 0.2 不是 0.3：按分算
      const items = [
        { tracker: 'A000000001', choices: { 11: [0] }, people: 1, area: '0.10' },
        { tracker: 'A000000002', choices: { 11: [0] }, people: 1, area: '0.10' },
        { tracker: 'A000000003', choices: { 11: [1] }, people: 1, area: '0.10' },
      ]
      owners.ballots_digest = polls.boardDigest(items)
      const p = closed({ electorate: 'owners', electorate_label: '业主表决（按面积和人数）', rule: 'owners_ordinary', result: owners, questions: [QUESTIONS[0]], can_supervise: true })
      const page = await open(p, { objections: [], board: { items, next_cursor: null, ballots_digest: DIGEST } })
      await boardLoaded(page)
      expect(textOf(page, '#board-recount')).toBe('✓ 按公示的选票重新计票：与公布结果一致')

      items[2].area = '0.11'
      const bad = await open(p, { objections: [], board: { items, next_cursor: null, ballots_digest: DIGEST } })
      await boardLoaded(bad)
      expect(textOf(bad, '#board-recount')).toContain('第 1 题“反对”：公示的选票 1 人，0.11 m²，公布的结果 1 人，0.10 m²')
    })
  })
})

describe('管表决：按钮只看后端的标记', () => {
  const DRAFT = { status: 'draft', status_label: '草稿', voters: 0, voted: 0, can_vote: false, in_electorate: false,
    can_manage: true, can_edit: true, can_cancel: true }

  test('草稿：修改、发布、取消；居民什么也没有', async () => {
    const page = await open(poll(DRAFT), { user: STAFF })
    expect(textOf(page, '#publish-btn')).toBe('发布，开始投票')
    expect(page.querySelector('#edit-btn')).toBeTruthy()
    expect(page.querySelector('#cancel-btn')).toBeTruthy()
    expect(page.querySelector('#turnout-card')).toBeFalsy() // 还没有投票范围
    await tap(page, '#edit-btn')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/poll-new/poll-new?id=7' })

    const resident = await open(poll({ can_manage: false, can_edit: false, can_cancel: false }))
    for (const sel of ['#draft-card', '#cancel-card', '#turnout-card']) expect(resident.querySelector(sel)).toBeFalsy()
  })

  test('草稿写明发布后参加表决的规模：业主表决按人头和面积；没有人时说发布不了', async () => {
    const owners = poll(Object.assign({}, DRAFT, { electorate: 'owners' }))
    const page = await open(owners, { user: STAFF, electorate: { frozen: false, voters: 3, households: 4, area: 240.5 } })
    expect(textOf(page, '#electorate-text')).toBe('发布后参加表决的：3 位业主（4 户），共 240.5 ㎡')
    const empty = await open(poll(DRAFT), { user: STAFF, electorate: { frozen: false, voters: 0, households: 0, area: 0 } })
    expect(textOf(empty, '#electorate-text')).toBe('投票范围内还没有人，发布不了；请先改范围')
    const resident = await open(poll({ can_manage: false, can_edit: false }))
    expect(resident.querySelector('#electorate-text')).toBeFalsy()
    expect(wx.server.calls('GET', '/polls/7/electorate')).toHaveLength(2) // 居民不去读
  })

  test('改完草稿回来重新读取', async () => {
    const page = await open(poll(DRAFT), { user: STAFF })
    await tap(page, '#edit-btn')
    wx.server.reply('GET', '/polls/7', 200, poll(Object.assign({}, DRAFT, { title: '3幢加装电梯（修改）' })))
    await page.instance.onShow()
    expect(textOf(page, '#poll-title')).toBe('3幢加装电梯（修改）')
  })

  test('发布：确认后 POST /polls/{id}/publish，显示后端回的表决；开始时间没到说定时开始', async () => {
    const page = await open(poll(Object.assign({}, DRAFT, { opens_at: inHours(24) })), { user: STAFF })
    expect(textOf(page, '#publish-btn')).toBe('发布（定时开始）')
    wx.server.reply('POST', '/polls/7/publish', 200, poll({ status: 'scheduled', status_label: '待开始', opens_at: inHours(24),
      can_manage: true, can_edit: false, can_cancel: true, voters: 0, voted: 0, can_vote: false }))
    await tap(page, '#publish-btn')
    await until(() => page.instance.data.poll.status === 'scheduled')
    expect(wx.server.calls('POST', '/polls/7/publish')).toHaveLength(1)
    expect(page.querySelector('#publish-btn')).toBeFalsy()
    expect(page.querySelector('#cancel-btn')).toBeTruthy()
  })

  test('发布被拒：写出后端的说明', async () => {
    const page = await open(poll(DRAFT), { user: STAFF })
    wx.server.reply('POST', '/polls/7/publish', 422, { error: { code: 'empty_electorate', message: '表决范围内没有可投票的住户或成员', details: {} } })
    await tap(page, '#publish-btn')
    await until(() => !page.instance.data.busy)
    expect(textOf(page, '#manage-error')).toBe('表决范围内没有可投票的住户或成员')
  })

  test('取消：写明原因，POST /polls/{id}/cancel {reason}', async () => {
    const page = await open(poll({ can_manage: true, can_cancel: true }), { user: STAFF })
    await input(page, '#cancel-input', ' 方案要改 ')
    wx.server.reply('POST', '/polls/7/cancel', 200, poll({ status: 'cancelled', status_label: '已取消', cancel_reason: '方案要改',
      can_manage: true, can_cancel: false, can_vote: false }))
    await tap(page, '#cancel-btn')
    await until(() => page.instance.data.poll.status === 'cancelled')
    expect(wx.server.calls('POST', '/polls/7/cancel').map(r => r.data)).toEqual([{ reason: '方案要改' }])
    expect(page.querySelector('#cancel-btn')).toBeFalsy()
    expect(textOf(page, '#cancelled-note')).toBe('这次表决已取消：方案要改')
  })

  test('投票进度：管或监督的看得到，每栋楼的进度，谁还没投按楼栋分组', async () => {
    const page = await open(poll({ can_manage: true }), { user: STAFF, turnout: [
      { building_id: 3, building_name: '海滨新村3幢', electors: 30, voted: 10, paper_pending: 1 },
      { building_id: 5, building_name: '海滨新村5幢', electors: 10, voted: 2, paper_pending: 0 }] })
    expect(textOf(page, '#turnout-text')).toBe('已投 12 / 40')
    expect(textOf(page, '#building-turnout-3')).toBe('海滨新村3幢：已投 10 / 30，纸质票待确认 1')
    expect(textOf(page, '#building-turnout-5')).toBe('海滨新村5幢：已投 2 / 10')
    wx.server.reply('GET', '/polls/7/electors', 200, {
      items: [
        { id: 1, household_id: 2, user_id: null, label: '3幢1单元102', building: '3幢', head_name: '宋永华', voted: false, voted_at: null, paper_pending: false },
        { id: 2, household_id: 3, user_id: null, label: '3幢1单元201', building: '3幢', head_name: null, voted: false, voted_at: null, paper_pending: false },
      ],
      next_cursor: 2,
    })
    wx.server.reply('GET', '/polls/7/electors', 200, {
      items: [{ id: 3, household_id: 9, user_id: null, label: '5幢2单元301', building: '5幢', head_name: null, voted: false, voted_at: null, paper_pending: false }],
      next_cursor: null,
    })
    await tap(page, '#electors-btn')
    await until(() => page.instance.data.notVoted)
    expect(wx.server.calls('GET', '/polls/7/electors').map(r => r.query)).toEqual([
      { voted: 'false', limit: '100' }, { voted: 'false', cursor: '2', limit: '100' },
    ])
    expect(textOf(page, '#not-voted-0')).toBe('3幢：2 户（人）未投3幢1单元102（宋永华）3幢1单元201')
    expect(textOf(page, '#not-voted-1')).toContain('5幢：1 户（人）未投')

    const supervisor = await open(poll({ can_supervise: true }), { user: STAFF })
    expect(supervisor.querySelector('#turnout-card')).toBeTruthy()
    expect(supervisor.querySelector('#cancel-card')).toBeFalsy()
  })
})
