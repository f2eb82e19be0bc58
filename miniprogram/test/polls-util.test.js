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

  test('录纸质票：楼栋长，且后端说能录', () => {
    const head = { roles: [{ role: 'building_head', scope_id: 3 }] }
    expect(polls.canEnterPaper(head, { status: 'open', can_enter_paper: true })).toBe(true)
    expect(polls.canEnterPaper(head, { status: 'open', can_enter_paper: false })).toBe(false)
    expect(polls.canEnterPaper({ roles: [{ role: 'resident' }] }, { status: 'open', can_enter_paper: true })).toBe(false)
  })

  test('本社区全部表决：监委会用角色的社区，楼栋长用自家社区，普通居民没有', () => {
    expect(polls.communityListId({ roles: [{ role: 'supervisor', scope_id: 4 }], household: { community_id: 1 } })).toBe(4)
    expect(polls.communityListId({ roles: [{ role: 'building_head', scope_id: 3 }], household: { community_id: 1 } })).toBe(1)
    expect(polls.communityListId({ roles: [{ role: 'resident', scope_id: 2 }], household: { community_id: 1 } })).toBeNull()
  })
})
