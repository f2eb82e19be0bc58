// 社区账本：/pages/money/index（首页“社区账本”入口）。
// - 本社区的基金（GET /communities/{id}/funds）：名字、范围（全社区或某个院落）、余额、收入、支出；
//   我家交了多少（my_household，后端只给本户自己的）；每户建议交多少（suggested_fen）。
// - 后端说能替住户收款的（can.collect：楼栋长、网格员、社区工作人员）有“收自筹款”，去 pages/money/collect。
// - 账目公示：选一个基金，列出公示过的账目（GET /funds/{id}/statements，新的在前，加载更多），点开看详情。
// - 参与式预算：有职务的（社区工作人员、议事会、业委会、监委会）看本社区全部（GET /communities/{id}/budget-rounds），
//   居民看范围里有我家的（GET /budget-rounds/mine），点开去 pages/budget/round。
// - “我家的自筹款”：去 pages/money/contributions。
// 社区：有职务的用角色的社区，否则用自家所在社区（utils/money.js）。钱是整数分，写成元用 utils/format.js。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const auth = require('../../utils/auth')
const money = require('../../utils/money')
const { yuanText, monthText, formatRelativeTime } = require('../../utils/format')

const STATEMENT_PAGE = 10

function fundView(f, selectedId) {
  const mine = f.my_household
  let myText = ''
  if (mine) {
    myText = mine.contributed_fen > 0 ? `我家已交 ${yuanText(mine.contributed_fen)}` : '我家还没有交'
  }
  return {
    id: f.id,
    name: f.name || '',
    scopeLabel: f.scope_label || '',
    description: f.description || '',
    balanceText: yuanText(f.balance_fen),
    inText: yuanText(f.in_fen),
    outText: yuanText(f.out_fen),
    suggestedText: f.suggested_fen ? `每户 ${yuanText(f.suggested_fen)}` : '',
    myText,
    myPaid: Boolean(mine && mine.contributed_fen > 0),
    canCollect: Boolean(f.can && f.can.collect),
    on: f.id === selectedId,
  }
}

function statementView(s, now) {
  return {
    id: s.id,
    title: s.kind === 'project' ? `项目：${(s.project && s.project.title) || ''}` : `${monthText(s.month)}账目`,
    closingText: yuanText(s.closing_fen),
    publishedText: formatRelativeTime(s.published_at, now),
    reviewLabel: s.review_label || '',
    queried: s.review === 'queried',
  }
}

function roundView(r) {
  return {
    id: r.id,
    title: r.title || '',
    status: r.status || '',
    statusLabel: r.status_label || '',
    budgetText: yuanText(r.budget_fen),
  }
}

Component({
  behaviors: [elder.behavior],
  data: {
    loaded: false,
    noPlace: false,
    hasHousehold: false,
    funds: [],
    fundsError: '',
    fundId: null,
    statements: [],
    statementsCursor: null,
    statementsLoading: false,
    statementsError: '',
    rounds: [],
    roundsError: '',
  },

  methods: {
    onLoad() {
      if (!auth.requireLogin()) return Promise.resolve()
      return this.loadAll()
    },

    // 从收款、公示、预算页回来：余额、核实、投票可能变了
    onShow() {
      if (!this._shownOnce) {
        this._shownOnce = true
        return Promise.resolve()
      }
      return this.refresh()
    },

    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },

    async loadAll() {
      let user
      try {
        user = await auth.currentUser('roles')
      } catch (err) {
        user = api.getUser()
      }
      this._communityId = money.communityId(user)
      this._official = Boolean(money.officialCommunityId(user))
      const hasHousehold = Boolean(user && user.household)
      if (!this._communityId) {
        this.setData({ loaded: true, noPlace: true, hasHousehold })
        return
      }
      this.setData({ hasHousehold })
      await this.refresh()
    },

    refresh() {
      if (!this._communityId) return Promise.resolve()
      return Promise.all([this.loadFunds(), this.loadRounds()])
    },

    async loadFunds() {
      try {
        const res = await api.get(`/communities/${this._communityId}/funds`, undefined, { silent: true })
        const items = (res && res.items) || []
        const keep = items.some(f => f.id === this.data.fundId)
        const fundId = keep ? this.data.fundId : items.length ? items[0].id : null
        this._funds = items
        this.setData({ loaded: true, fundsError: '', fundId, funds: items.map(f => fundView(f, fundId)) })
      } catch (err) {
        this.setData({ loaded: true, fundsError: err.message })
        return
      }
      await this.loadStatements(false)
    },

    // 选中的基金的账目公示：append 为 true 时接着读下一页
    async loadStatements(append) {
      const fundId = this.data.fundId
      if (!fundId) {
        this.setData({ statements: [], statementsCursor: null })
        return
      }
      const query = { limit: STATEMENT_PAGE }
      if (append) query.cursor = this.data.statementsCursor
      this.setData({ statementsLoading: true })
      try {
        const res = await api.get(`/funds/${fundId}/statements`, query, { silent: true })
        if (fundId !== this.data.fundId) return
        const now = Date.now()
        const fresh = ((res && res.items) || []).map(s => statementView(s, now))
        this.setData({
          statements: append ? this.data.statements.concat(fresh) : fresh,
          statementsCursor: (res && res.next_cursor) || null,
          statementsError: '',
        })
      } catch (err) {
        if (fundId === this.data.fundId) this.setData({ statementsError: err.message })
      } finally {
        this.setData({ statementsLoading: false })
      }
    },

    async loadRounds() {
      try {
        const res = this._official
          ? await api.get(`/communities/${this._communityId}/budget-rounds`, { limit: 20 }, { silent: true })
          : await api.get('/budget-rounds/mine', undefined, { silent: true })
        this.setData({ rounds: ((res && res.items) || []).map(roundView), roundsError: '' })
      } catch (err) {
        this.setData({ roundsError: err.message })
      }
    },

    onPickFund(e) {
      const fundId = Number(e.currentTarget.dataset.id)
      if (!fundId || fundId === this.data.fundId) return Promise.resolve()
      this.setData({
        fundId,
        funds: (this._funds || []).map(f => fundView(f, fundId)),
        statements: [],
        statementsCursor: null,
        statementsError: '',
      })
      return this.loadStatements(false)
    },

    onMoreStatements() {
      if (!this.data.statementsCursor || this.data.statementsLoading) return Promise.resolve()
      return this.loadStatements(true)
    },

    onRetryStatements() {
      return this.loadStatements(false)
    },

    onRetry() {
      this.setData({ fundsError: '', roundsError: '' })
      return this.refresh()
    },

    goCollect(e) {
      wx.navigateTo({ url: `/pages/money/collect?fund_id=${e.currentTarget.dataset.id}` })
    },

    goStatement(e) {
      wx.navigateTo({ url: `/pages/money/statement?id=${e.currentTarget.dataset.id}` })
    },

    goContributions() {
      wx.navigateTo({ url: '/pages/money/contributions' })
    },

    goRound(e) {
      wx.navigateTo({ url: `/pages/budget/round?id=${e.currentTarget.dataset.id}` })
    },

    goJoin() {
      wx.navigateTo({ url: '/pages/join/join' })
    },
  },
})
