// 表决详情：GET /polls/{id}。本页路径 /pages/poll/poll?id=N（表决开始、快截止、结果公示的消息都指向这里）。
//
// 所有人：题目、说明、表决方式、通过规则、开始和截止时间、投票进度；结果出来后（截止公示，
// 或投票中公开计票的）每题通过没有、每个选项多少票（业主表决还有面积）、每道门槛的数字和够没够；
// 公示后还有计票摘要（后端冻结结果时算的 result_digest，和监委会“复核计票”比对的是同一个）。
// 能投票的（can_vote）：
// - 是非题三个大按钮 赞成 / 反对 / 弃权；单选题点一项；多选题可以点几项，不超过最多可选项数；选择题可以“弃权”。
// - 点“投票”：先检查每题都选了，再弹确认框把选择用中文念一遍（“请确认您的选择：…”），确认后 POST /polls/{id}/ballots。
//   幂等键跟着这份选票走（api.keyForBody）：网络断了没收到结果，再点一次用的还是同一个键，后端不会记两票；
//   改了选择就换新键。投好了大字显示两个码，各一句话说明：
//   回执码（receipt）可以给别人看，只能证明票已收到、已计票，看不出投了什么；
//   核对码（tracker）自己保存、不给别人看，截止后在公示的全部选票里用它找到自己的票，核对选择有没有被改。
//   回执码、核对码和这次投的选择都存在本机（polls.saveBallot），重放的（幂等键相同、后端答的还是那一票）也存。
// - 允许改票的表决（allow_change），投过的人可以“修改我的选票”，截止前最后一次算数。
// 已投的：显示回执码和状态（纸质票待监委会确认 / 已计入）。任何人都可以输入回执码查一张选票收到、计入了没有
// （后端不回选了什么，页面也不显示）。
// my_ballot 的 choices、tracker 可能是 null：无记名投票里只有投票人本人、而且只在截止前看得到选了什么，
// 户里别的成员、截止以后都只看到“本户已投票”；本机存着选择的（投票人自己的手机）显示本机存的，写明是本机存的。
// 户里不是投票人的成员：本户投过了（household_voted）显示“本户已投票”。
// 已截止（closed）：“公示的全部选票”（GET /polls/{id}/board，一页页读完）：共几张，按这些选票重新计票、重算选票摘要
// （ballots_digest）和公布的结果比，一致 / 不一致（请联系监委会）；“我的选票”：用本机存的核对码（或输入的）找到自己那张，写出选了什么，
// 和本机存的选择比：一致 / 不一致（请向监委会提出异议）。截止前后端答 409，页面不去读。
// 投票中不能投的：显示后端给的原因（cannot_vote_reason），页面不自己猜。
// 后端说可以（can_object）时“提出异议”；异议和监委会的答复都公开。
// 后端说可以（can_close：过了截止时间还没计票，我是工作人员或监委会）时“截止计票”（POST /polls/{id}/close）。
// 管表决的（社区工作人员、业委会；按钮只看后端的标记）：草稿（can_edit）可以“修改草稿”（去发起表决页）、
// “发布”（POST /polls/{id}/publish：开始时间已到就开始投票，没到就定时开始）；没截止的（can_cancel）可以写明原因
// “取消这次表决”（POST /polls/{id}/cancel）；管或监督的（can_manage、can_supervise）看投票进度和
// “谁还没投”（GET /polls/{id}/electors?voted=false，按楼栋分组）；投票中每栋楼的进度（GET /polls/{id}/turnout，
// 只有人数）。草稿上写明发布后参加表决的人数、户数和面积（GET /polls/{id}/electorate：业主表决要算 2/3）。
// 监委会成员：去“监委会”页；后端说能录纸质票时（can_enter_paper：楼栋长、范围内的网格员）去“录入纸质票”页。
// 后端说了算：409（已经投过、已截止）、403（本户由户主投票、不在投票范围）由 api.js 弹出后端的说明，页面上也写着。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const ui = require('../../utils/ui')
const polls = require('../../utils/polls')
const detailPage = require('../../utils/detail-page')
const { readAll } = require('../../utils/paged-list')
const { formatRelativeTime } = require('../../utils/format')

// 公示的选票一页读 500 张，最多读这么多（防止后端的 cursor 转圈时一直读下去）
const BOARD_PAGE = 500
const BOARD_MAX = 100000

// “我的选票”：choices 是 null（无记名投票里户里别的成员，或者已经截止）时只说“本户已投票”；
// 本机存着这张票的选择（回执码对得上）时显示本机存的
function myBallotView(p, ballot, saved) {
  const questions = p.questions || []
  const shown = Boolean(ballot.choices)
  const own = saved && saved.choices && (!saved.receipt || saved.receipt === ballot.receipt) ? saved : null
  let secretText = ''
  if (!shown && p.secret) {
    secretText = p.status === 'closed'
      ? '无记名投票：只有投票人本人能看到选了什么；截止后服务器不再保存，请用核对码在下面公示的选票里核对'
      : '无记名投票：只有投票人本人能看到选了什么'
  }
  return {
    receipt: ballot.receipt,
    tracker: ballot.tracker || '',
    pending: ballot.status === 'pending',
    statusText: polls.ballotStatusText(ballot),
    viaText: polls.viaLabel(ballot.via),
    shown,
    lines: shown ? polls.choicesLines(questions, ballot.choices) : [],
    secretText,
    savedLines: !shown && own ? polls.choicesLines(questions, own.choices) : [],
  }
}

Component({
  behaviors: [elder.behavior],
  data: {
    id: null,
    loaded: false,
    loadError: '',
    poll: null,
    busy: '',

    // 投票
    canVote: false,
    formOpen: false,
    changing: false,
    questions: [],
    formError: '',
    voteNotice: '',
    receiptNotice: '',
    trackerNotice: '',
    voterHint: '',
    householdVoted: false,

    // 我的选票
    myBallot: null,

    // 查回执
    receiptInput: '',
    receiptCheck: null,
    receiptError: '',

    // 结果
    result: null,

    // 公示的全部选票（截止后）
    board: null,
    boardMine: null,
    trackerInput: '',
    trackerError: '',

    // 异议
    objectionsShown: false,
    objectionsOpen: false,
    objections: [],
    objectionsError: '',
    objectionText: '',
    objectionError: '',

    // 截止计票
    canClose: false,
    closeError: '',

    // 管表决：草稿、发布、取消、投票进度
    manage: {},
    manageError: '',
    cancelReason: '',
    notVoted: null,
    electorsError: '',
    electorateText: '',
    buildingTurnout: [],

    // 入口
    canSupervise: false,
    canPaper: false,
  },

  methods: {
    onLoad(query) {
      this._picks = {}
      this._objectionKey = {}
      const id = detailPage.queryId(this, query, '表决编号不对')
      if (!id) return Promise.resolve()
      this.setData({ id, receiptInput: polls.savedReceipt(id) })
      return this.loadAll()
    },

    onUnload() {
      this._unloaded = true
    },

    // 改完草稿回来：重新读
    onShow() {
      if (!this._editing) return Promise.resolve()
      this._editing = false
      return this.loadPoll()
    },

    onPullDownRefresh() {
      return this.loadAll().then(() => wx.stopPullDownRefresh())
    },

    async loadAll() {
      const ok = await this.loadPoll()
      if (ok && this.data.objectionsShown) await Promise.all([this.loadObjections(), this.loadBoard()])
    },

    async loadPoll() {
      try {
        const poll = await api.get(`/polls/${this.data.id}`, undefined, { silent: true })
        if (this._unloaded) return false
        this.showPoll(poll)
        this.setData({ loadError: '' })
        await this.loadManagerFigures(poll)
        return true
      } catch (err) {
        this.setData({ loaded: true, loadError: err.message })
        return false
      }
    },

    showPoll(p) {
      const now = Date.now()
      this._poll = p
      const questions = p.questions || []
      const ballot = p.my_ballot
      const changing = this.data.changing && Boolean(p.can_vote)
      const formOpen = Boolean(p.can_vote) && (!ballot || changing)
      // 投票中却不能投：后端说为什么（已投的看“我的选票”就明白，不再说）
      const voterHint = p.status === 'open' && !p.can_vote && !ballot ? p.cannot_vote_reason || '' : ''
      const objectionsShown = p.status === 'closed'
      // 截止前后端给投票人本人核对码和选择：本机还没存（比如换了手机）就存下，截止后服务器就删了
      const saved = this.syncSavedBallot(p.id, ballot)
      this.setData({
        loaded: true,
        poll: {
          id: p.id,
          title: p.title || '',
          description: p.description || '',
          status: p.status,
          statusLabel: p.status_label || '',
          electorateLabel: p.electorate_label || '',
          ruleLabel: p.rule_label || '',
          quorumText: p.quorum_percent ? `参与率至少 ${p.quorum_percent}%` : '',
          secretText: p.secret ? '无记名投票：只记投没投，不记投了什么' : '实名投票',
          allowChange: Boolean(p.allow_change),
          opensText: polls.timeText(p.opens_at, now),
          closesText: polls.timeText(p.closes_at, now),
          turnoutText: polls.turnoutText(p),
          cancelReason: p.cancel_reason || '',
          objectionsUntilText: p.objections_until ? polls.timeText(p.objections_until, now) : '',
          matterId: p.matter_id || null,
          digestShort: polls.shortDigest(p.result_digest),
        },
        canVote: Boolean(p.can_vote),
        changing,
        formOpen,
        questions: polls.questionViews(questions, this._picks),
        voterHint,
        householdVoted: Boolean(p.household_voted) && !ballot,
        myBallot: ballot ? myBallotView(p, ballot, saved) : null,
        receiptInput: this.data.receiptInput || (ballot && ballot.receipt) || '',
        result: polls.resultView(p.result, p.electorate),
        objectionsShown,
        objectionsOpen: Boolean(p.can_object),
        canClose: Boolean(p.can_close),
        manage: {
          canEdit: Boolean(p.can_edit),
          canCancel: Boolean(p.can_cancel),
          canWatch: Boolean(p.can_manage || p.can_supervise) && p.voters > 0,
          opensLater: Date.parse(p.opens_at) > now,
        },
        canSupervise: Boolean(p.can_supervise),
        canPaper: polls.canEnterPaper(p),
      })
    },

    // ---------- 答题 ----------

    findQuestion(qid) {
      return ((this._poll && this._poll.questions) || []).find(q => q.id === qid)
    },

    renderQuestions(error) {
      this.setData({ questions: polls.questionViews(this._poll.questions, this._picks), formError: error || '' })
    },

    onPick(e) {
      if (!this.data.formOpen || this.data.busy) return
      const qid = Number(e.currentTarget.dataset.qid)
      const question = this.findQuestion(qid)
      if (!question) return
      const { picked, error } = polls.togglePick(question, this._picks[String(qid)], Number(e.currentTarget.dataset.index))
      this._picks[String(qid)] = picked
      this.renderQuestions(error)
    },

    onAbstain(e) {
      if (!this.data.formOpen || this.data.busy) return
      const qid = Number(e.currentTarget.dataset.qid)
      const question = this.findQuestion(qid)
      if (!question) return
      this._picks[String(qid)] = polls.abstain(question)
      this.renderQuestions()
    },

    // “修改我的选票”：把原来的选择放回去
    onStartChange() {
      const ballot = this._poll && this._poll.my_ballot
      if (!this.data.canVote || !ballot) return
      const saved = polls.savedBallot(this.data.id)
      const choices = ballot.choices || (saved && saved.receipt === ballot.receipt ? saved.choices : null)
      this._picks = polls.picksFromChoices(choices)
      this.setData({ changing: true, formOpen: true, receiptNotice: '', trackerNotice: '', voteNotice: '' })
      this.renderQuestions()
    },

    onCancelChange() {
      this._picks = {}
      this.setData({ changing: false, formOpen: false, formError: '' })
      this.renderQuestions()
    },

    // ---------- 投票 ----------

    async onSubmitVote() {
      if (this.data.busy || !this.data.formOpen) return
      const questions = this._poll.questions || []
      const problem = polls.validateAnswers(questions, this._picks)
      if (problem) {
        this.setData({ formError: problem })
        return
      }
      const body = { answers: polls.buildAnswers(questions, this._picks) }
      const choices = {}
      body.answers.forEach(a => {
        choices[String(a.question_id)] = a.choices
      })
      const changing = this.data.changing
      const ok = await ui.confirm(
        changing ? '确认修改选票' : '确认投票',
        `请确认您的选择：\n${polls.choicesSummary(questions, choices)}`,
        changing ? '确认修改' : '确认投票',
      )
      if (!ok) return
      // 一份选票一个键：没收到结果时再点一次（选择没变）还是这个键，后端只记一票
      const key = api.keyForBody(this, body)
      this.setData({ busy: 'vote', formError: '', voteNotice: '', receiptNotice: '', trackerNotice: '' })
      let res
      try {
        res = await api.post(`/polls/${this.data.id}/ballots`, body, { idempotencyKey: key })
      } catch (err) {
        this.setData({ busy: '', formError: err.message || '投票没有成功，请稍后再试' })
        // 已经投过、已截止：重新读取，页面显示现在的样子（错误说明留着）
        if (err.status === 409 || err.status === 403) await this.loadPoll()
        return
      }
      this._key = null
      this._keySig = null
      this._picks = {}
      // 存下两个码和这次确认过的选择（重放的也一样：同一个键、同样的选择，后端答的就是这一票）
      polls.saveBallot(this.data.id, { receipt: res.receipt, tracker: res.tracker, choices })
      this.setData({
        busy: '',
        changing: false,
        receiptNotice: res.receipt,
        trackerNotice: res.tracker || '',
        receiptInput: res.receipt,
        voteNotice: res.changed ? '已修改您的选票' : '投票成功',
      })
      wx.showToast({ title: res.changed ? '已修改' : '已投票', icon: 'success' })
      await this.loadPoll()
    },

    // ---------- 查回执 ----------

    onReceiptInput(e) {
      this.setData({ receiptInput: e.detail.value, receiptError: '' })
    },

    async onCheckReceipt() {
      if (this.data.busy) return
      const code = polls.normalizeReceipt(this.data.receiptInput)
      if (!polls.isValidReceipt(code)) {
        this.setData({ receiptError: '请输入回执码（字母和数字）', receiptCheck: null })
        return
      }
      this.setData({ busy: 'receipt', receiptError: '', receiptCheck: null, receiptInput: code })
      try {
        const res = await api.get(`/polls/${this.data.id}/receipts/${code}`, undefined, { silent: true })
        const closed = Boolean(this._poll) && this._poll.status === 'closed'
        let resultText = '截止后计入结果'
        if (res.in_result) resultText = '已计入公示的结果'
        else if (!res.counted) resultText = closed ? '没有计入结果（截止前没有确认）' : '监委会确认后才计票'
        this.setData({
          receiptCheck: {
            receipt: res.receipt,
            counted: Boolean(res.counted),
            statusText: polls.ballotStatusText(res),
            viaText: polls.viaLabel(res.via),
            resultText,
          },
        })
      } catch (err) {
        this.setData({ receiptError: err.message || '没有查到' })
      } finally {
        this.setData({ busy: '' })
      }
    },

    // 本机的回执码、核对码和选择：后端给了核对码和选择（截止前的投票人本人）而本机没存这个核对码时存下。
    // 本机已经存着同一个核对码的，不拿后端的覆盖：本机存的是投票人自己确认过的，截止后拿它来核对。
    syncSavedBallot(pollId, ballot) {
      const saved = polls.savedBallot(pollId)
      if (!ballot || !ballot.tracker || !ballot.choices) return saved
      if (saved && saved.tracker === polls.normalizeReceipt(ballot.tracker) && saved.choices) return saved
      polls.saveBallot(pollId, { receipt: ballot.receipt, tracker: ballot.tracker, choices: ballot.choices })
      return polls.savedBallot(pollId)
    },

    // ---------- 公示的全部选票（截止后） ----------

    async loadBoard() {
      if (!this._poll || this._poll.status !== 'closed') return
      // 业主表决的选票带面积（邻居能对上是哪一户），后端只给组织者和监委会看
      if (this._poll.electorate === 'owners' && !this._poll.can_manage && !this._poll.can_supervise) return
      const poll = this._poll
      this.setData({ board: { loading: true, error: '' } })
      let items
      try {
        items = await readAll(cursor => api.get(`/polls/${this.data.id}/board`, { cursor, limit: BOARD_PAGE }, { silent: true }), BOARD_MAX)
      } catch (err) {
        if (!this._unloaded) this.setData({ board: { loading: false, error: err.message || '公示的选票没有加载出来' } })
        return
      }
      if (this._unloaded || poll !== this._poll) return
      this._board = items
      const result = poll.result
      const differences = polls.boardDifferences(poll.questions || [], items, result, poll.electorate)
      // 在手机上按这些选票重算选票摘要，和公布结果里的比：一样，说明这里的选票就是冻结结果时数的那一份
      if (result && result.ballots_digest && polls.boardDigest(items) !== result.ballots_digest) {
        differences.push('按公示的选票算出的选票摘要和公布结果里的不一样')
      }
      this.setData({
        board: {
          loading: false,
          error: '',
          count: items.length,
          matches: differences.length === 0,
          differences,
        },
      })
      this.showMine()
    },

    // “我的选票”：输入的核对码优先，没有输入就用本机存的
    showMine(typed) {
      if (!this._board) return
      const saved = polls.savedBallot(this.data.id)
      const tracker = typed || (saved && saved.tracker) || ''
      if (!tracker) {
        this.setData({ boardMine: null })
        return
      }
      const item = polls.findOnBoard(this._board, tracker)
      const mine = saved && saved.tracker === tracker ? saved : null
      let verdict = ''
      if (item && mine && mine.choices) verdict = polls.sameChoices(item.choices, mine.choices) ? 'same' : 'different'
      this.setData({
        boardMine: {
          tracker,
          typed: Boolean(typed),
          found: Boolean(item),
          lines: item ? polls.choicesLines(this._poll.questions || [], item.choices) : [],
          verdict,
          savedLines: verdict === 'different' ? polls.choicesLines(this._poll.questions || [], mine.choices) : [],
        },
      })
    },

    onTrackerInput(e) {
      this.setData({ trackerInput: e.detail.value, trackerError: '' })
    },

    onFindTracker() {
      const code = polls.normalizeReceipt(this.data.trackerInput)
      if (!polls.isValidReceipt(code)) {
        this.setData({ trackerError: '请输入核对码（字母和数字）' })
        return
      }
      if (!this._board) {
        this.setData({ trackerError: '公示的选票还没有加载出来' })
        return
      }
      this.setData({ trackerInput: code, trackerError: '' })
      this.showMine(code)
    },

    retryBoard() {
      return this.loadBoard()
    },

    // ---------- 异议 ----------

    async loadObjections() {
      try {
        const items = await readAll(cursor => api.get(`/polls/${this.data.id}/objections`, { cursor, limit: 50 }, { silent: true }), 500)
        if (this._unloaded) return
        const now = Date.now()
        this.setData({
          objections: items.map(o => ({
            id: o.id,
            text: o.text,
            timeText: formatRelativeTime(o.created_at, now),
            mine: Boolean(o.mine),
            answer: o.answer || '',
            answeredText: o.answered_at ? formatRelativeTime(o.answered_at, now) : '',
          })),
          objectionsError: '',
        })
      } catch (err) {
        this.setData({ objectionsError: err.message || '异议没有加载出来' })
      }
    },

    onObjectionInput(e) {
      this.setData({ objectionText: e.detail.value, objectionError: '' })
    },

    async onSubmitObjection() {
      if (this.data.busy) return
      const text = this.data.objectionText.trim()
      if (text.length < 2) {
        this.setData({ objectionError: '请写明您对结果有什么异议（至少 2 个字）' })
        return
      }
      const body = { text }
      // 同样的内容重发用同一个键：没收到结果再点一次，不会提两条
      const key = api.keyForBody(this._objectionKey, body)
      this.setData({ busy: 'objection', objectionError: '' })
      try {
        await api.post(`/polls/${this.data.id}/objections`, body, { idempotencyKey: key })
      } catch (err) {
        this.setData({ busy: '', objectionError: err.message || '没有提交成功' })
        return
      }
      this._objectionKey = {}
      this.setData({ busy: '', objectionText: '' })
      wx.showToast({ title: '已提交异议', icon: 'success' })
      await this.loadObjections()
    },

    // ---------- 截止计票（定时计票没跑时，工作人员、监委会手动） ----------

    // 不带幂等键、不自动重试：重发时后端答 409（已经计过票），重新读取就是计好的样子
    async onClosePoll() {
      if (this.data.busy || !this.data.canClose) return
      const ok = await ui.confirm('截止计票', '已经过了截止时间。现在截止投票、计票并公示结果吗？之后不能再投票。', '截止计票')
      if (!ok) return
      this.setData({ busy: 'close', closeError: '' })
      let poll
      try {
        poll = await api.post(`/polls/${this.data.id}/close`)
      } catch (err) {
        this.setData({ busy: '', closeError: err.message || '没有成功' })
        if (err.status === 409) await this.loadAll()
        return
      }
      this.setData({ busy: '' })
      if (this._unloaded) return
      this.showPoll(poll)
      wx.showToast({ title: '已计票公示', icon: 'success' })
      if (this.data.objectionsShown) await Promise.all([this.loadObjections(), this.loadBoard()])
    },

    // ---------- 管表决 ----------

    goEdit() {
      this._editing = true
      wx.navigateTo({ url: `/pages/poll-new/poll-new?id=${this.data.id}` })
    },

    // 发布：后端按开始时间决定马上开始还是定时开始；重发时后端答 409，重新读取就是发布后的样子
    async onPublish() {
      if (this.data.busy || !this.data.manage.canEdit) return
      const ok = await ui.confirm('发布表决', '发布后不能再修改，投票范围内的人会收到通知。现在发布吗？', '发布')
      if (!ok) return
      await this.manageAct('publish', () => api.post(`/polls/${this.data.id}/publish`, undefined, { silent: true }), '已发布')
    },

    onCancelReasonInput(e) {
      this.setData({ cancelReason: e.detail.value, manageError: '' })
    },

    async onCancelPoll() {
      if (this.data.busy || !this.data.manage.canCancel) return
      const reason = this.data.cancelReason.trim()
      const ok = await ui.confirm('取消表决', '取消后不能恢复，已投的票作废。确定取消这次表决吗？', '确定取消')
      if (!ok) return
      await this.manageAct('cancel', () => api.post(`/polls/${this.data.id}/cancel`, { reason }, { silent: true }), '已取消')
    },

    // 发布、取消：成功后显示后端回的表决；出错时写出后端的说明，409 时重新读取
    async manageAct(busy, send, done) {
      this.setData({ busy, manageError: '' })
      let poll
      try {
        poll = await send()
      } catch (err) {
        this.setData({ busy: '', manageError: err.message || '没有成功' })
        if (err.status === 409) await this.loadPoll()
        return
      }
      this.setData({ busy: '', cancelReason: '', notVoted: null })
      if (this._unloaded) return
      this.showPoll(poll)
      wx.showToast({ title: done, icon: 'success' })
    },

    // 管表决的才有：草稿的投票人规模、投票中每栋楼的进度（读不到时不显示，不打扰）
    async loadManagerFigures(p) {
      const { canEdit, canWatch } = this.data.manage
      try {
        if (canEdit) {
          const e = await api.get(`/polls/${p.id}/electorate`, undefined, { silent: true })
          this.setData({ electorateText: polls.electorateText(e, p.electorate) })
        }
        if (canWatch && p.status === 'open') {
          const t = await api.get(`/polls/${p.id}/turnout`, undefined, { silent: true })
          this.setData({ buildingTurnout: (t.items || []).map(b => ({ id: b.building_id, text: polls.buildingTurnoutText(b) })) })
        }
      } catch (err) {
        // 只是参考数字：读不到就不显示
      }
    },

    async onLoadElectors() {
      if (this.data.busy) return
      this.setData({ busy: 'electors', electorsError: '' })
      try {
        const items = await readAll(cursor => api.get(`/polls/${this.data.id}/electors`, { voted: false, cursor, limit: 100 }, { silent: true }), 10000)
        this.setData({ notVoted: polls.electorsByBuilding(items) })
      } catch (err) {
        this.setData({ electorsError: err.message || '没有加载出来' })
      } finally {
        this.setData({ busy: '' })
      }
    },

    // ---------- 去别的页 ----------

    goSupervise() {
      wx.navigateTo({ url: `/pages/poll-supervise/poll-supervise?id=${this.data.id}` })
    },

    goPaper() {
      wx.navigateTo({ url: `/pages/poll-paper/poll-paper?id=${this.data.id}` })
    },

    goMatter() {
      if (this.data.poll && this.data.poll.matterId) wx.navigateTo({ url: `/pages/matter/matter?id=${this.data.poll.matterId}` })
    },

    retry() {
      this.setData({ loadError: '' })
      return this.loadAll()
    },
  },
})
