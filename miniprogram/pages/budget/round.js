// 参与式预算的一轮：/pages/budget/round?id=N（投票开始、结果公示的消息都指向这里）。
// GET /budget-rounds/{id}，按阶段（status）显示：
// - 征集（proposing）：说明、截止时间，后端说能提议的（can.propose：范围内的住户、议事会、社区工作人员）有“我来提议”
//   （去 pages/budget/propose）；已经提的项目和状态。
// - 审议（reviewing）：各项目的审议结果（能办、要花多少钱；不能办的理由在项目页）。
// - 投票（voting）：本户的投票人（can.vote）勾选赞成的项目，下面一直写着“已选 X 元 / 预算 Y 元，还剩 Z 元”；
//   放不下的项目（加上它就超过预算）勾选框变灰，写明为什么，点了也选不上——合计永远不会超过预算
//   （后端也会拒绝：422“所选项目合计 X 元，超过预算 Y 元”）。确认后 POST /budget-rounds/{id}/ballot {project_ids}；
//   一户一票、投票期间可以改（重发就是“改成这样”，所以带幂等键让 api.js 在网络失败时自动重试）。
//   投过的显示本户选了什么（代办的写后端给的 acting_label），“修改本户的选择”把原来的放回去再改。
//   照看住户的（楼栋长、网格员、社区工作人员：utils/households.js 的 canLookAfter）还有“替住户录入”，
//   去 pages/budget/enter 替没有手机的老人那户投（家人代办不能替家里投票，后端的 Act.BUDGET_BALLOT 不给家属）。
// - 结果（closed）：按规则（rule_label）入选和没入选的项目、各多少户赞成、后端写的为什么入选或没入选（funded_explanation）。
//   结果出来后读公示的全部选票（GET /budget-rounds/{id}/board：每张只有赞成的项目，没有哪一户、什么时候），
//   在手机上重新数每个项目的赞成户数、重算选票摘要（和后端 ballots_digest 一样的算法），和公布的结果比：
//   一致写“与公布结果一致”，不一致红字写出哪里不一样、请联系监委会。
// 点一个项目去 pages/budget/project。钱是整数分，写成元用 utils/format.js。
const { sha256 } = require('js-sha256') // 开发者工具：工具 → 构建 npm（生成 miniprogram_npm/）
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const ui = require('../../utils/ui')
const detailPage = require('../../utils/detail-page')
const budget = require('../../utils/budget')
const households = require('../../utils/households')
const { yuanText, formatMeetingTime } = require('../../utils/format')

const PHASE_TEXT = {
  proposing: '正在征集提议：想让社区办的事，都可以提出来。议事会审议、算好要花多少钱以后，列进投票。',
  reviewing: '议事会正在审议：看每个提议能不能办、要花多少钱。审议完就开始投票。',
  voting: '投票中：每户可以赞成几个项目，合计不超过预算。',
  closed: '投票结束，结果已公示。',
  cancelled: '这一轮已经取消。',
}

// 规则的白话说明（名称用后端的 rule_label）
const RULE_HINTS = {
  greedy: '赞成的户数多的项目先入选；剩下的钱放不下的项目跳过，看下一个。',
  equal_shares: '预算平均分给每一户，每个项目由赞成它的住户一起分摊；这样大多数人和少数人赞成的事都有机会办。',
}

const PROJECT_ORDER = { funded: 0, signed_off: 0, completed: 0, accepted: 1, proposed: 2, unfunded: 3, refused: 4 }

function projectView(p, closed) {
  const cost = p.cost_fen || p.estimate_fen
  return {
    id: p.id,
    title: p.title || '',
    location: p.location || '',
    status: p.status,
    statusLabel: p.status_label || '',
    costText: p.cost_fen ? `预算 ${yuanText(p.cost_fen)}` : cost ? `提议人估计 ${yuanText(cost)}` : '',
    approvalsText: closed && p.approvals !== null && p.approvals !== undefined ? `${p.approvals} 户赞成` : '',
    explanation: closed ? p.funded_explanation || '' : '',
  }
}

// 公示的选票摘要：每张票是排好序的项目编号，写成 Python json.dumps 的样子（“[3, 11]”），各行排序后用换行连起来的 sha256
function boardDigest(ballots) {
  const lines = ballots.map(ids => `[${ids.slice().sort((a, b) => a - b).join(', ')}]`)
  lines.sort()
  return sha256(lines.join('\n'))
}

// 按公示的选票重新计票，和公布的结果比：张数、每个项目的赞成户数、选票摘要。返回不一样的地方（都一样时是空的）
function recount(ballots, r) {
  const counts = {}
  ballots.forEach(ids => ids.forEach(id => {
    counts[id] = (counts[id] || 0) + 1
  }))
  const problems = []
  const result = r.result || {}
  if (result.ballots !== undefined && result.ballots !== ballots.length) {
    problems.push(`公布的是 ${result.ballots} 张选票，公示出来的是 ${ballots.length} 张`)
  }
  ;(r.projects || []).filter(p => p.approvals !== null && p.approvals !== undefined).forEach(p => {
    const counted = counts[p.id] || 0
    if (counted !== p.approvals) problems.push(`“${p.title}”公布 ${p.approvals} 户赞成，按公示的选票数是 ${counted} 户`)
  })
  if (result.ballots_digest && result.ballots_digest !== boardDigest(ballots)) problems.push('按公示的选票算出的选票摘要和公布的不一样')
  return problems
}

Component({
  behaviors: [elder.behavior],
  data: {
    id: null,
    loaded: false,
    loadError: '',
    round: null,
    projects: [],
    canPropose: false,
    canVote: false,
    canEnterFor: false,
    formOpen: false,
    changing: false,
    ballot: null,
    myBallot: null,
    busy: '',
    formError: '',
    board: null,
    boardError: '',
  },

  methods: {
    onLoad(query) {
      this._selected = []
      return detailPage.openById(this, query, '预算编号不对', this.load)
    },

    // 从提议页、项目页回来：项目可能多了、变了
    onShow() {
      if (!this._shownOnce) {
        this._shownOnce = true
        return Promise.resolve()
      }
      return this.data.busy || this.data.formOpen ? Promise.resolve() : this.load()
    },

    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh())
    },

    async load() {
      const r = await detailPage.loadShown(this, api.get(`/budget-rounds/${this.data.id}`, undefined, { silent: true }), this.show)
      if (r && r.status === 'closed') await this.loadBoard()
    },

    // 结果出来以后：按公示的选票重新计票
    async loadBoard() {
      try {
        const res = await api.get(`/budget-rounds/${this.data.id}/board`, undefined, { silent: true })
        const ballots = (res && res.ballots) || []
        const problems = recount(ballots, this._round)
        this.setData({ board: { count: ballots.length, ok: !problems.length, problems }, boardError: '' })
      } catch (err) {
        this.setData({ board: null, boardError: err.message })
      }
    },

    show(r) {
      const now = Date.now()
      this._round = r
      const closed = r.status === 'closed'
      const can = r.can || {}
      // 入选的在前；结果出来后同一类里赞成多的在前
      const rank = p => (p.status in PROJECT_ORDER ? PROJECT_ORDER[p.status] : 5)
      const projects = (r.projects || [])
        .filter(p => p.status !== 'withdrawn')
        .sort((a, b) => rank(a) - rank(b) || (closed ? (b.approvals || 0) - (a.approvals || 0) : 0) || a.id - b.id)
      const ballot = r.my_ballot
      const changing = this.data.changing && Boolean(can.vote)
      const formOpen = Boolean(can.vote) && (!ballot || changing)
      if (!formOpen) this._selected = []
      const titles = {}
      ;(r.projects || []).forEach(p => {
        titles[p.id] = p.title
      })
      this.setData({
        loaded: true,
        round: {
          title: r.title || '',
          description: r.description || '',
          scopeLabel: r.scope_label || '',
          status: r.status,
          statusLabel: r.status_label || '',
          phaseText: PHASE_TEXT[r.status] || '',
          ruleLabel: r.rule_label || '',
          ruleHint: RULE_HINTS[r.rule] || '',
          budgetText: yuanText(r.budget_fen),
          fundText: r.fund ? `${r.fund.name}（余额 ${yuanText(r.fund.balance_fen)}）` : '',
          proposalsUntil: r.status === 'proposing' && r.proposals_until ? formatMeetingTime(r.proposals_until, now) : '',
          votingUntil: r.status === 'voting' && r.voting_until ? formatMeetingTime(r.voting_until, now) : '',
          turnoutText: r.status === 'voting' || closed ? `已投 ${r.voted || 0} / ${r.electors || 0} 户` : '',
        },
        projects: projects.map(p => projectView(p, closed)),
        canPropose: Boolean(can.propose),
        canVote: Boolean(can.vote),
        canEnterFor: r.status === 'voting' && households.canLookAfter(api.getUser()),
        changing,
        formOpen,
        myBallot: ballot
          ? {
              titles: (ballot.project_ids || []).map(id => titles[id] || `项目 #${id}`),
              actingLabel: ballot.acting_label || '',
              castText: formatMeetingTime(ballot.cast_at, now),
            }
          : null,
      })
      this.renderBallot()
    },

    renderBallot(error) {
      const ballot = this.data.formOpen ? budget.ballotView(budget.votable(this._round), this._selected, this._round.budget_fen) : null
      this.setData({ ballot, formError: error || '' })
    },

    onToggleProject(e) {
      if (!this.data.formOpen || this.data.busy) return
      // 放不下的不勾上：合计永远不超过预算
      const { selected, error } = budget.toggleChoice(this.data.ballot, this._selected, Number(e.currentTarget.dataset.id))
      this._selected = selected
      this.renderBallot(error)
    },

    // “修改本户的选择”：把原来的放回去
    onStartChange() {
      const ballot = this._round && this._round.my_ballot
      if (!this.data.canVote || !ballot) return
      const votable = budget.votable(this._round).map(p => p.id)
      this._selected = (ballot.project_ids || []).filter(id => votable.includes(id))
      this.setData({ changing: true, formOpen: true })
      this.renderBallot()
    },

    onCancelChange() {
      this._selected = []
      this.setData({ changing: false, formOpen: false })
      this.renderBallot()
    },

    async onSubmitBallot() {
      if (this.data.busy || !this.data.formOpen) return
      const { ids, lines } = budget.chosen(this.data.ballot)
      if (!ids.length) {
        this.renderBallot('请至少勾选一个您家赞成的项目')
        return
      }
      const ok = await ui.confirm(
        this.data.changing ? '确认修改' : '确认投票',
        `本户赞成：\n${lines.join('\n')}\n${this.data.ballot.summary}`,
        this.data.changing ? '确认修改' : '确认投票',
      )
      if (!ok) return
      const r = await budget.sendBallot(this, { project_ids: ids }, {
        busy: 'vote', fallback: '投票没有成功，请稍后再试', reloadOn: [409, 403],  // 投票结束了、不在投票范围
      })
      if (!r) return
      this.setData({ busy: '', changing: false })
      this.show(r)
      wx.showToast({ title: '已投票', icon: 'success' })
    },

    goPropose() {
      wx.navigateTo({ url: `/pages/budget/propose?round_id=${this.data.id}` })
    },

    goEnter() {
      wx.navigateTo({ url: `/pages/budget/enter?round_id=${this.data.id}` })
    },

    goProject(e) {
      wx.navigateTo({ url: `/pages/budget/project?id=${e.currentTarget.dataset.id}` })
    },
  },
})
