const { installWx } = require('./wx-mock')
const api = require('../utils/api')
const polls = require('../utils/polls')

const YES_NO = { id: 11, position: 1, text: '同意加装电梯', kind: 'yes_no', options: ['赞成', '反对', '弃权'], max_choices: 1 }
const SINGLE = { id: 12, position: 2, text: '电梯装在哪一侧', kind: 'single', options: ['东侧', '西侧'], max_choices: 1 }
const MULTI = { id: 13, position: 3, text: '选两位监督员', kind: 'multiple', options: ['张三', '李四', '王五'], max_choices: 2 }
const QUESTIONS = [YES_NO, SINGLE, MULTI]

beforeEach(() => {
  installWx()
})

describe('把选择写成中文', () => {
  test('是非题、单选、多选、弃权、没答', () => {
    expect(polls.answerText(YES_NO, [0])).toBe('赞成')
    expect(polls.answerText(YES_NO, [2])).toBe('弃权')
    expect(polls.answerText(SINGLE, [1])).toBe('西侧')
    expect(polls.answerText(MULTI, [0, 2])).toBe('张三、王五')
    expect(polls.answerText(MULTI, [])).toBe('弃权')
    expect(polls.answerText(SINGLE, undefined)).toBe('（未作答）')
  })

  test('一张选票（后端的 choices，键是字符串）→ 一题一行', () => {
    const choices = { 11: [1], 12: [], 13: [1, 2] }
    expect(polls.choicesLines(QUESTIONS, choices).map(l => l.text)).toEqual([
      '1. 同意加装电梯：反对',
      '2. 电梯装在哪一侧：弃权',
      '3. 选两位监督员：李四、王五',
    ])
    expect(polls.choicesSummary(QUESTIONS, choices)).toBe('1. 同意加装电梯：反对\n2. 电梯装在哪一侧：弃权\n3. 选两位监督员：李四、王五')
  })

  test('是非题没有 options 时也认得赞成/反对/弃权', () => {
    expect(polls.answerText({ id: 1, kind: 'yes_no' }, [1])).toBe('反对')
  })
})

describe('点选项', () => {
  test('是非题、单选题：换成点的这一项', () => {
    expect(polls.togglePick(YES_NO, [0], 1)).toEqual({ picked: [1], error: '' })
    expect(polls.togglePick(SINGLE, undefined, 0)).toEqual({ picked: [0], error: '' })
    expect(polls.togglePick(SINGLE, [], 1)).toEqual({ picked: [1], error: '' })
  })

  test('多选题：选上、取消；超过最多可选项数时不选并说明；全取消回到“没答”', () => {
    let r = polls.togglePick(MULTI, undefined, 2)
    expect(r.picked).toEqual([2])
    r = polls.togglePick(MULTI, r.picked, 0)
    expect(r.picked).toEqual([0, 2])
    const over = polls.togglePick(MULTI, r.picked, 1)
    expect(over).toEqual({ picked: [0, 2], error: '这道题最多选 2 项' })
    r = polls.togglePick(MULTI, [0, 2], 0)
    expect(r.picked).toEqual([2])
    expect(polls.togglePick(MULTI, [2], 2).picked).toBeNull()
    // 从“弃权”改成选一项
    expect(polls.togglePick(MULTI, [], 1).picked).toEqual([1])
  })

  test('下标越界：不变', () => {
    expect(polls.togglePick(SINGLE, [0], 5).picked).toEqual([0])
  })

  test('弃权：是非题选“弃权”那一项，选择题什么都不选', () => {
    expect(polls.abstain(YES_NO)).toEqual([2])
    expect(polls.abstain(MULTI)).toEqual([])
  })
})

describe('检查和组装 answers', () => {
  test('每题都要答：说清是第几题，选择题提示可以弃权', () => {
    expect(polls.validateAnswers(QUESTIONS, {})).toBe('第 1 题还没选：请选赞成、反对或弃权')
    expect(polls.validateAnswers(QUESTIONS, { 11: [0] })).toBe('第 2 题还没选：不想选可以点“弃权”')
    expect(polls.validateAnswers(QUESTIONS, { 11: [0], 12: [], 13: [0, 1] })).toBe('')
  })

  test('是非题正好一项；单选最多一项；多选不超过 max_choices；选项要在范围内、不重复', () => {
    expect(polls.validateAnswers([YES_NO], { 11: [0, 1] })).toBe('第 1 题请选赞成、反对或弃权')
    expect(polls.validateAnswers([SINGLE], { 12: [0, 1] })).toBe('第 2 题只能选 1 项')
    expect(polls.validateAnswers([MULTI], { 13: [0, 1, 2] })).toBe('第 3 题最多选 2 项')
    expect(polls.validateAnswers([SINGLE], { 12: [7] })).toBe('第 2 题的选项不对，请重新选')
    expect(polls.validateAnswers([MULTI], { 13: [1, 1] })).toBe('第 3 题的选项不对，请重新选')
  })

  test('answers：按题目顺序、每题一次、选项从小到大；弃权是空数组', () => {
    expect(polls.buildAnswers(QUESTIONS, { 13: [2, 0], 11: [1], 12: [] })).toEqual([
      { question_id: 11, choices: [1] },
      { question_id: 12, choices: [] },
      { question_id: 13, choices: [0, 2] },
    ])
  })

  test('页面上的题目：选中的打勾，弃权单独标出；“修改我的选票”时放回原来的选择', () => {
    const picks = polls.picksFromChoices({ 11: [2], 12: [], 13: [1] })
    const views = polls.questionViews(QUESTIONS, picks)
    expect(views[0].abstained).toBe(true)
    expect(views[0].options.map(o => o.on)).toEqual([false, false, true])
    expect(views[1].abstained).toBe(true)
    expect(views[1].hint).toBe('单选')
    expect(views[2].options.map(o => o.on)).toEqual([false, true, false])
    expect(views[2].abstained).toBe(false)
    expect(views[2].hint).toBe('可多选，最多 2 项')
    expect(polls.questionViews(QUESTIONS, {})[1].answered).toBe(false)
  })
})

describe('结果', () => {
  const threshold = (fields = {}) => Object.assign({ name: 'approval', label: '赞成票占投票数', value: '20', of: '30', unit: '户/人', required: '> 1/2', met: true }, fields)

  test('门槛写成一行：数字、要求、够没够；面积带 m²', () => {
    expect(polls.thresholdLine(threshold())).toBe('赞成票占投票数：20 / 30（> 1/2）✓')
    expect(polls.thresholdLine(threshold({ label: '参与表决的专有部分面积占总面积', value: '5000.00', of: '9000.00', unit: 'm²', required: '≥ 2/3', met: false })))
      .toBe('参与表决的专有部分面积占总面积：5000.00 / 9000.00 m²（≥ 2/3）✗')
  })

  test('业主表决显示面积；选择题写选出了哪几项、并列；摘要缩短', () => {
    const result = {
      rule: 'owners_ordinary', rule_label: '业主共同决定（一般事项）', quorum_percent: null,
      electorate: { people: 40, area: '3600.00' }, participants: { people: 30, area: '2800.50' },
      ballots: 30, pending_paper: 1, ballots_digest: 'a'.repeat(64),
      questions: [
        { question_id: 11, text: '同意加装电梯', kind: 'yes_no', passed: true, chosen: [0], tie: false,
          thresholds: [threshold({ unit: 'm²', value: '2000.00', of: '2800.50' })],
          options: [
            { label: '赞成', people: 20, area: '2000.00', passed: true, thresholds: [] },
            { label: '反对', people: 8, area: '600.50', passed: false, thresholds: [] },
            { label: '弃权', people: 2, area: '200.00', passed: false, thresholds: [] },
          ] },
        { question_id: 13, text: '选两位监督员', kind: 'multiple', passed: true, chosen: [1], tie: true, thresholds: [],
          options: [
            { label: '张三', people: 10, area: '900.00', passed: true, thresholds: [threshold({ value: '10', met: false })] },
            { label: '李四', people: 25, area: '2500.00', passed: true, thresholds: [threshold({ value: '25' })] },
          ] },
      ],
    }
    const view = polls.resultView(result, 'owners')
    expect(view.weighted).toBe(true)
    expect(view.participantsText).toBe('30 人，2800.50 m²')
    expect(view.electorateText).toBe('40 人，3600.00 m²')
    expect(view.pendingPaper).toBe(1)
    // 计票摘要不从 result 里拿（页面显示 poll.result_digest）
    expect(view).not.toHaveProperty('digestShort')
    const [yesNo, multi] = view.questions
    expect(yesNo.outcomeText).toBe('通过')
    expect(yesNo.thresholds.map(t => t.text)).toEqual(['赞成票占投票数：2000.00 / 2800.50 m²（> 1/2）✓'])
    expect(yesNo.options.map(o => `${o.label} ${o.countText}`)).toEqual(['赞成 20 人，2000.00 m²', '反对 8 人，600.50 m²', '弃权 2 人，200.00 m²'])
    expect(multi.outcomeText).toBe('选出：李四')
    expect(multi.tie).toBe(true)
    expect(multi.options.map(o => o.chosen)).toEqual([false, true])
    expect(multi.options[0].thresholds.map(t => t.text)).toEqual(['赞成票占投票数：10 / 30（> 1/2）✗'])
  })

  test('一户一票按“户”数，不显示面积；未通过', () => {
    const view = polls.resultView({
      rule: 'majority', rule_label: '过半数通过', electorate: { people: 40, area: '0.00' }, participants: { people: 12, area: '0.00' },
      ballots: 12, pending_paper: 0, ballots_digest: 'abc',
      questions: [{ question_id: 1, text: '题', kind: 'yes_no', passed: false, chosen: [], tie: false, thresholds: [threshold({ met: false })],
        options: [{ label: '赞成', people: 5, area: '0.00', passed: false, thresholds: [] }] }],
    }, 'households')
    expect(view.participantsText).toBe('12 户')
    expect(view.questions[0].outcomeText).toBe('未通过')
    expect(view.questions[0].options[0].countText).toBe('5 户')
    expect(polls.resultView(null)).toBeNull()
  })

  test('摘要缩短：前 16 位加省略号；短的、没有的原样', () => {
    expect(polls.shortDigest('a'.repeat(64))).toBe(`${'a'.repeat(16)}…`)
    expect(polls.shortDigest('abc')).toBe('abc')
    expect(polls.shortDigest(null)).toBe('')
  })
})

describe('选票、回执、权限', () => {
  test('我的选票状态、列表上的“已投票/未投票”、投票进度', () => {
    expect(polls.ballotStatusText({ status: 'counted', via: 'phone' })).toBe('已计入')
    expect(polls.ballotStatusText({ status: 'pending', via: 'paper' })).toBe('纸质票待监委会确认')
    expect(polls.ballotStatusText({ status: 'pending', via: 'proxy' })).toBe('委托投票待监委会确认')
    expect(polls.myVoteText({ my_ballot: null })).toBe('未投票')
    expect(polls.myVoteText({ my_ballot: { status: 'counted' } })).toBe('已投票')
    expect(polls.myVoteText({ my_ballot: { status: 'pending' } })).toBe('已投票（待确认）')
    // 户里不是投票人的成员：没有 my_ballot，看 household_voted
    expect(polls.myVoteText({ my_ballot: null, household_voted: true })).toBe('本户已投票')
    expect(polls.myVoteText({ my_ballot: null, household_voted: false })).toBe('未投票')
    expect(polls.turnoutText({ voted: 12, voters: 40 })).toBe('已投 12 / 40')
  })

  test('回执码：全角、空格、小写都认', () => {
    expect(polls.normalizeReceipt(' abcd-ＥＦ23 45 ')).toBe('ABCDEF2345')
    expect(polls.isValidReceipt('ABCDEF2345')).toBe(true)
    expect(polls.isValidReceipt('')).toBe(false)
    expect(polls.isValidReceipt('回执')).toBe(false)
  })

  test('回执码存在本机，跟着用户：换了账号就不给', () => {
    api.saveSession({ token: 't', expires_at: '', user: { id: 1 } })
    polls.saveReceipt(7, 'ABCDEF2345')
    polls.saveReceipt(8, 'ZZZZZZZZZZ')
    expect(polls.savedReceipt(7)).toBe('ABCDEF2345')
    expect(polls.savedReceipt(8)).toBe('ZZZZZZZZZZ')
    api.saveSession({ token: 't', expires_at: '', user: { id: 2 } })
    expect(polls.savedReceipt(7)).toBe('')
  })

  test('本机存回执码、核对码和投的选择；核对码整理成大写；换了账号就不给', () => {
    api.saveSession({ token: 't', expires_at: '', user: { id: 1 } })
    polls.saveBallot(7, { receipt: 'ABCDEF2345', tracker: ' t4wq 8znm3c ', choices: { 11: [0], 13: [2, 0] } })
    expect(polls.savedBallot(7)).toEqual({ receipt: 'ABCDEF2345', tracker: 'T4WQ8ZNM3C', choices: { 11: [0], 13: [2, 0] } })
    expect(polls.savedReceipt(7)).toBe('ABCDEF2345')
    expect(polls.savedBallot(8)).toBeNull()
    // 只存回执码：没有核对码和选择
    polls.saveReceipt(8, 'ZZZZZZZZZZ')
    expect(polls.savedBallot(8)).toEqual({ receipt: 'ZZZZZZZZZZ', tracker: '', choices: null })
    // 改票后存新的，覆盖旧的
    polls.saveBallot(7, { receipt: 'ABCDEF2345', tracker: 'NEWTRACK01', choices: { 11: [1] } })
    expect(polls.savedBallot(7)).toEqual({ receipt: 'ABCDEF2345', tracker: 'NEWTRACK01', choices: { 11: [1] } })
    api.saveSession({ token: 't', expires_at: '', user: { id: 2 } })
    expect(polls.savedBallot(7)).toBeNull()
  })

  test('旧版本存的（回执码是字符串）照样认，再存新的不丢别的表决', () => {
    api.saveSession({ token: 't', expires_at: '', user: { id: 1 } })
    wx.setStorageSync(polls.RECEIPTS_KEY, { user_id: 1, receipts: { 7: 'OLDRECEIPT', 8: 'OTHERPOLL1' } })
    expect(polls.savedReceipt(7)).toBe('OLDRECEIPT')
    expect(polls.savedBallot(7)).toEqual({ receipt: 'OLDRECEIPT', tracker: '', choices: null })
    polls.saveBallot(7, { receipt: 'NEWRECEIPT', tracker: 'TRACKER001', choices: { 11: [0] } })
    expect(polls.savedBallot(7).tracker).toBe('TRACKER001')
    expect(polls.savedReceipt(8)).toBe('OTHERPOLL1')
    // 存坏了的（不是对象、不是字符串）：当成没有
    wx.setStorageSync(polls.RECEIPTS_KEY, { user_id: 1, receipts: { 7: 42 } })
    expect(polls.savedBallot(7)).toBeNull()
    expect(polls.savedReceipt(7)).toBe('')
  })

  test('两份选择一样吗：选项不论顺序，题目要一样多', () => {
    expect(polls.sameChoices({ 11: [0], 13: [2, 0] }, { 13: [0, 2], 11: [0] })).toBe(true)
    expect(polls.sameChoices({ 11: [0] }, { 11: [1] })).toBe(false)
    expect(polls.sameChoices({ 11: [0], 12: [] }, { 11: [0] })).toBe(false)
    expect(polls.sameChoices({ 13: [0] }, { 13: [0, 2] })).toBe(false)
    expect(polls.sameChoices(null, { 11: [0] })).toBe(false)
  })

  test('录纸质票：只看后端说能不能录（楼栋长、范围内的网格员都可能）', () => {
    expect(polls.canEnterPaper({ status: 'open', can_enter_paper: true })).toBe(true)
    expect(polls.canEnterPaper({ status: 'open', can_enter_paper: false })).toBe(false)
    expect(polls.canEnterPaper(null)).toBe(false)
  })

  test('本社区全部表决：监委会用角色的社区，楼栋长用自家社区，普通居民没有', () => {
    expect(polls.communityListId({ roles: [{ role: 'supervisor', scope_id: 4 }], household: { community_id: 1 } })).toBe(4)
    expect(polls.communityListId({ roles: [{ role: 'building_head', scope_id: 3 }], household: { community_id: 1 } })).toBe(1)
    expect(polls.communityListId({ roles: [{ role: 'resident', scope_id: 2 }], household: { community_id: 1 } })).toBeNull()
  })
})

describe('公示的全部选票', () => {
  const item = (tracker, choices, area = '0.00', people = 1) => ({ tracker, choices, people, area })
  // 业主表决：面积是两位小数的字符串
  const ITEMS = [
    item('A000000001', { 11: [0], 12: [1], 13: [0, 2] }, '89.50'),
    item('A000000002', { 11: [0], 12: [0], 13: [] }, '0.10'),
    item('A000000003', { 11: [1], 12: [1], 13: [2] }, '0.20'),
    item('A000000004', { 11: [2], 12: [], 13: [1] }, '120.05'),
  ]
  const option = (label, people, area) => ({ label, people, area, passed: false, thresholds: [] })
  const RESULT = {
    rule: 'owners_ordinary', ballots: 4, participants: { people: 4, area: '209.85' }, electorate: { people: 10, area: '900.00' },
    ballots_digest: 'abc', pending_paper: 0,
    questions: [
      { question_id: 11, kind: 'yes_no', options: [option('赞成', 2, '89.60'), option('反对', 1, '0.20'), option('弃权', 1, '120.05')] },
      { question_id: 12, kind: 'single', options: [option('东侧', 1, '0.10'), option('西侧', 2, '89.70')] },
      { question_id: 13, kind: 'multiple', options: [option('张三', 1, '89.50'), option('李四', 1, '120.05'), option('王五', 2, '89.70')] },
    ],
  }

  test('面积按 0.01 m² 的整数：两位、一位、没有小数都认', () => {
    expect(polls.areaHundredths('89.50')).toBe(8950)
    expect(polls.areaHundredths('89.5')).toBe(8950)
    expect(polls.areaHundredths('0.07')).toBe(7)
    expect(polls.areaHundredths('120')).toBe(12000)
    expect(polls.areaHundredths(null)).toBe(0)
    expect(polls.areaHundredths('abc')).toBeNaN()
  })

  test('重新计票：每题每个选项的人数和面积，和后端 Result 同样的形状；面积加起来没有小数误差', () => {
    const tally = polls.tallyBoard(QUESTIONS, ITEMS)
    expect(tally.ballots).toBe(4)
    expect(tally.participants).toEqual({ people: 4, area: '209.85' })
    expect(tally.questions.map(q => q.question_id)).toEqual([11, 12, 13])
    expect(tally.questions[0].options).toEqual([{ people: 2, area: '89.60' }, { people: 1, area: '0.20' }, { people: 1, area: '120.05' }])
    // 选择题弃权（[]）哪一项都不加
    expect(tally.questions[1].options).toEqual([{ people: 1, area: '0.10' }, { people: 2, area: '89.70' }])
    // 多选：每选一项都加上这张票的权重
    expect(tally.questions[2].options).toEqual([{ people: 1, area: '89.50' }, { people: 1, area: '120.05' }, { people: 2, area: '89.70' }])
    // 浮点数会算成 0.30000000000000004
    const small = polls.tallyBoard([YES_NO], [item('X1', { 11: [0] }, '0.10'), item('X2', { 11: [0] }, '0.20')])
    expect(small.questions[0].options[0]).toEqual({ people: 2, area: '0.30' })
    expect(polls.tallyBoard(QUESTIONS, []).questions[0].options).toEqual([{ people: 0, area: '0.00' }, { people: 0, area: '0.00' }, { people: 0, area: '0.00' }])
  })

  test('和公布的结果比：一致', () => {
    expect(polls.boardMatchesResult(QUESTIONS, ITEMS, RESULT)).toBe(true)
    expect(polls.boardDifferences(QUESTIONS, ITEMS, RESULT, 'owners')).toEqual([])
    // 面积写法不同（"89.6"）也算一样
    const written = JSON.parse(JSON.stringify(RESULT))
    written.questions[0].options[0].area = '89.6'
    expect(polls.boardMatchesResult(QUESTIONS, ITEMS, written)).toBe(true)
  })

  test('和公布的结果比：人数、面积、张数、参与、多出来的选项、重复的核对码，哪一样不对都不一致', () => {
    const changed = ITEMS.map(i => Object.assign({}, i))
    changed[1] = item('A000000002', { 11: [1], 12: [0], 13: [] }, '0.10')
    expect(polls.boardMatchesResult(QUESTIONS, changed, RESULT)).toBe(false)
    expect(polls.boardDifferences(QUESTIONS, changed, RESULT, 'owners')).toEqual([
      '第 1 题“赞成”：公示的选票 1 人，89.50 m²，公布的结果 2 人，89.60 m²',
      '第 1 题“反对”：公示的选票 2 人，0.30 m²，公布的结果 1 人，0.20 m²',
    ])

    // 只差面积（人数对）
    const area = ITEMS.map(i => Object.assign({}, i))
    area[0] = Object.assign({}, area[0], { area: '89.51' })
    expect(polls.boardMatchesResult(QUESTIONS, area, RESULT)).toBe(false)

    // 少一张
    expect(polls.boardDifferences(QUESTIONS, ITEMS.slice(1), RESULT, 'owners')[0]).toBe('选票张数：公示 3 张，公布的结果 4 张')
    // 张数、每项都对，但公布的参与数不对
    const participants = Object.assign({}, RESULT, { participants: { people: 5, area: '209.85' } })
    expect(polls.boardDifferences(QUESTIONS, ITEMS, participants, 'owners')).toEqual(['参与：公示的选票 4 人，209.85 m²，公布的结果 5 人，209.85 m²'])
    // 选了不存在的选项
    const extra = ITEMS.concat([item('A000000005', { 11: [3] })])
    const more = Object.assign({}, RESULT, { ballots: 5, participants: { people: 5, area: '209.85' } })
    expect(polls.boardDifferences(QUESTIONS, extra, more, 'owners')).toEqual(['第 1 题“第4项”：公示的选票里有人选了不存在的选项'])
    // 同一个核对码出现两次（张数对得上也不行）
    const twice = ITEMS.slice(0, 3).concat([Object.assign({}, ITEMS[3], { tracker: 'a000000003' })])
    expect(polls.boardDifferences(QUESTIONS, twice, RESULT, 'owners')).toContain('有重复的核对码：A000000003')
    expect(polls.boardMatchesResult(QUESTIONS, twice, RESULT)).toBe(false)
    // 还没有结果
    expect(polls.boardMatchesResult(QUESTIONS, ITEMS, null)).toBe(false)
  })

  test('一户一票：按“户”说，不提面积', () => {
    const households = { rule: 'majority', ballots: 1, participants: { people: 1, area: '0.00' },
      questions: [{ question_id: 11, kind: 'yes_no', options: [option('赞成', 0, '0.00'), option('反对', 1, '0.00'), option('弃权', 0, '0.00')] }] }
    expect(polls.boardDifferences([YES_NO], [item('H1', { 11: [0] })], households, 'households')).toEqual([
      '第 1 题“赞成”：公示的选票 1 户，公布的结果 0 户',
      '第 1 题“反对”：公示的选票 0 户，公布的结果 1 户',
    ])
  })

  test('选票摘要：和后端（Python）一样算，“核对码:json.dumps(选择, sort_keys=True)”排序后用换行连起来的 sha256', () => {
    // 期望值是用 Python 的 json.dumps + hashlib.sha256 照后端 _result 的写法算出来的；题目 id 按字符串排序（"2" 在 "13" 后面）
    const items = [
      item('A000000003', { 13: [2], 11: [1], 12: [1] }),
      item('A000000001', { 11: [0], 12: [1], 13: [0, 2] }),
      item('A000000002', { 11: [0], 12: [0], 13: [] }),
      item('A000000004', { 11: [2], 12: [], 13: [1], 2: [0] }),
    ]
    expect(polls.pythonJson({ 13: [0, 2], 11: [0], 2: [] })).toBe('{"11": [0], "13": [0, 2], "2": []}')
    expect(polls.pythonJson({ b: '院', a: [1, 2] })).toBe('{"a": [1, 2], "b": "\\u9662"}')
    expect(polls.boardDigest(items)).toBe('bd1cef98b504dc9fdf0fdd80c40cda223366f6e43780effc3e8814028cd4a354')
    // 改了一张票的选择，摘要就变
    items[0].choices = { 11: [0], 12: [1], 13: [2] }
    expect(polls.boardDigest(items)).not.toBe('bd1cef98b504dc9fdf0fdd80c40cda223366f6e43780effc3e8814028cd4a354')
  })

  test('找核对码：像回执码一样整理（空格、小写、全角都行）；没有、空的给 null', () => {
    expect(polls.findOnBoard(ITEMS, ' a000 000003 ')).toBe(ITEMS[2])
    expect(polls.findOnBoard(ITEMS, 'Ａ000000004')).toBe(ITEMS[3])
    expect(polls.findOnBoard(ITEMS, 'A000000009')).toBeNull()
    expect(polls.findOnBoard(ITEMS, '')).toBeNull()
    expect(polls.findOnBoard(null, 'A000000001')).toBeNull()
  })
})

describe('管表决的小工具', () => {
  test('canDraftPolls：社区工作人员、业委会', () => {
    expect(polls.canDraftPolls({ roles: [{ role: 'staff', scope_id: 1 }] })).toBe(true)
    expect(polls.canDraftPolls({ roles: [{ role: 'owners_committee', scope_id: 1 }] })).toBe(true)
    expect(polls.canDraftPolls({ roles: [{ role: 'supervisor', scope_id: 1 }, { role: 'resident', scope_id: 2 }] })).toBe(false)
    expect(polls.canDraftPolls(null)).toBe(false)
  })

  test('electorsByBuilding：按楼栋分组，按人投票的归一组', () => {
    expect(polls.electorsByBuilding([
      { label: '3幢1单元102', building: '3幢', head_name: '宋永华' },
      { label: '5幢2单元301', building: '5幢', head_name: null },
      { label: '3幢1单元201', building: '3幢', head_name: null },
      { label: '王议事', building: null, head_name: null },
    ])).toEqual([
      { name: '3幢', count: 2, labels: ['3幢1单元102（宋永华）', '3幢1单元201'] },
      { name: '5幢', count: 1, labels: ['5幢2单元301'] },
      { name: '议事会成员、居民', count: 1, labels: ['王议事'] },
    ])
  })
})
