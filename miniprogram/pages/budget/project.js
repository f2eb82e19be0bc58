// 预算项目：/pages/budget/project?id=N（审议结果、验收、请评议的消息都指向这里）。
// GET /budget-projects/{id}：名称、状态、属于哪一轮、地点、说明、谁提的（由诉求转来的可以点开诉求）、
// 审议结果（不能办的理由；按“五议三不议”不议的，后端的理由里写明是哪一条）、预算、赞成户数和入选说明、
// 进展（文字、进度、照片，完工的标出来）、花了多少（GET /budget-projects/{id}/spending：每一笔和发票照片）、
// 监委会验收、群众评议（几户评了、平均几星；本户评的，别人替本户评的写后端给的 acting_label）。
// 操作只看后端的 can：
// - 撤回（can.withdraw：提议人，审议前），先确认；
// - 验收（can.sign_off：监委会，完工以后）：“验收通过”，或“不通过，要整改”（写明哪里不行，必填）；
// - 评议（can.evaluate：这一轮的住户，验收以后，每户一次）：1–5 星，想说的话可以不写。
// 这几样都不带幂等键、不自动重试：重发时后端答 409（已经做过），页面写出说明并重新读取。
// - 替住户评议（验收以后；照看住户的楼栋长、网格员、社区工作人员，和有“反映问题、查看诉求”权利的家人代办，
//   后端 Act.EVALUATE）：选一户（components/household-picker），点星星、写几句，ui.confirm 念出这户和几星，
//   POST 评议带 on_behalf_of_household_id，幂等键跟着这户和这份评议走（api.keyForBody）：网络断了重试、
//   再点一次，后端记的都是这一份。这户评过了（409）、不归您照看（403）把后端的说明写在按钮上面；
//   评好了写“已替 某某 评议”，回到“替住户评议”，评下一户。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const ui = require('../../utils/ui')
const money = require('../../utils/money')
const upload = require('../../utils/upload')
const matters = require('../../utils/matters')
const detailPage = require('../../utils/detail-page')
const households = require('../../utils/households')
const { yuanText, formatRelativeTime } = require('../../utils/format')

// 有花费的状态：入选以后
const SPENDING_STATUSES = ['funded', 'completed', 'signed_off']

function reviewText(p) {
  // 按五议三不议不议的，后端写好的理由里已经有“按‘某条’不议：”
  if (p.status === 'refused') return `未通过审议：${p.review_reason || ''}`
  if (p.cost_fen && p.reviewed_at) return `审议通过，预算 ${yuanText(p.cost_fen)}${p.review_reason ? `：${p.review_reason}` : ''}`
  return ''
}

function updateView(u, now) {
  return {
    id: u.id,
    text: u.text || '',
    percentText: u.percent !== null && u.percent !== undefined ? `进度 ${u.percent}%` : '',
    completes: Boolean(u.completes),
    photos: (u.photos || []).map(upload.photoView),
    byText: `${(u.posted_by && u.posted_by.name) || ''} ${formatRelativeTime(u.created_at, now)}`,
  }
}

function signOffText(p) {
  if (p.status === 'signed_off') return `✓ 监委会已验收${p.sign_off_note ? `：${p.sign_off_note}` : ''}`
  if (p.status === 'completed') return '已完工，等待监委会验收'
  if (p.status === 'funded' && p.sign_off_note) return `监委会验收没有通过，正在整改：${p.sign_off_note}`
  return ''
}

Component({
  behaviors: [elder.behavior],
  data: {
    id: null,
    loaded: false,
    loadError: '',
    project: null,
    updates: [],
    spending: null,
    spendingError: '',
    can: {},
    busy: '',
    formError: '',
    signOffOpen: false,
    signOffNote: '',
    rating: 0,
    comment: '',
    stars: [1, 2, 3, 4, 5],
    canActFor: false,
    actPicking: false,
    actFor: null,
    actRating: 0,
    actComment: '',
    actError: '',
    actDone: '',
  },

  methods: {
    onLoad(query) {
      this.setData({ canActFor: households.canActFor(api.getUser(), 'report_and_follow') })
      return detailPage.openById(this, query, '项目编号不对', this.load)
    },

    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh())
    },

    async load() {
      const p = await detailPage.loadShown(this, api.get(`/budget-projects/${this.data.id}`, undefined, { silent: true }), this.show)
      if (p) await this.loadSpending()
    },

    show(p) {
      const now = Date.now()
      this._project = p
      const evaluation = p.evaluation
      const mine = p.my_evaluation
      this.setData({
        loaded: true,
        project: {
          title: p.title || '',
          status: p.status,
          statusLabel: p.status_label || '',
          roundId: (p.round && p.round.id) || null,
          roundTitle: (p.round && p.round.title) || '',
          location: p.location || '',
          description: p.description || '',
          proposer: (p.proposer && p.proposer.name) || '',
          matterId: p.matter_id || null,
          estimateText: p.estimate_fen ? yuanText(p.estimate_fen) : '',
          reviewText: reviewText(p),
          refused: p.status === 'refused',
          approvalsText: p.approvals !== null && p.approvals !== undefined ? `${p.approvals} 户赞成` : '',
          explanation: p.explanation || '',
          signOffText: signOffText(p),
          evaluationText: evaluation && evaluation.count ? `${evaluation.count} 户评议，平均 ${Number(evaluation.average).toFixed(1)} 星` : '',
          myEvaluation: mine ? { stars: matters.stars(mine.rating), comment: mine.comment || '', actingLabel: mine.acting_label || '' } : null,
        },
        updates: (p.updates || []).map(u => updateView(u, now)),
        can: p.can || {},
      })
    },

    async loadSpending() {
      if (!SPENDING_STATUSES.includes(this._project.status)) {
        this.setData({ spending: null })
        return
      }
      try {
        const s = await api.get(`/budget-projects/${this.data.id}/spending`, undefined, { silent: true })
        this.setData({
          spending: {
            summary: `已花 ${yuanText(s.spent_fen)} / 预算 ${yuanText(s.cost_fen)}`,
            over: s.spent_fen > s.cost_fen,
            lines: (s.entries || []).map(money.lineView),
          },
          spendingError: '',
        })
      } catch (err) {
        this.setData({ spendingError: err.message })
      }
    },

    onPreviewPhoto(e) {
      const group = e.currentTarget.dataset.group
      const urls = group === 'spending'
        ? this.data.spending.lines.filter(l => l.photo).map(l => l.photo.url)
        : (this.data.updates.find(u => String(u.id) === String(group)) || { photos: [] }).photos.map(p => p.url)
      money.previewPhoto(urls, e.currentTarget.dataset.url)
    },

    onFieldInput(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value, formError: '' })
    },

    goRound() {
      if (this.data.project.roundId) wx.navigateTo({ url: `/pages/budget/round?id=${this.data.project.roundId}` })
    },

    goMatter() {
      if (this.data.project.matterId) wx.navigateTo({ url: `/pages/matter/matter?id=${this.data.project.matterId}` })
    },

    // 执行一个操作：成功后用后端返回的项目（带新的 can）刷新；409 时重新读取
    async run(name, send, successText) {
      if (this.data.busy) return
      this.setData({ busy: name, formError: '' })
      try {
        const p = await send()
        this.show(p)
        this.setData({ busy: '', signOffOpen: false, signOffNote: '', rating: 0, comment: '' })
        wx.showToast({ title: successText, icon: 'success' })
        await this.loadSpending()
      } catch (err) {
        this.setData({ busy: '', formError: err.message || '没有成功，请稍后再试' })
        if (err.status === 409) {
          const message = err.message
          await this.load()
          this.setData({ formError: message })
        }
      }
    },

    async onWithdraw() {
      const ok = await ui.confirm('撤回提议', '撤回后这个提议就不参加这一轮了。确定撤回吗？', '撤回')
      if (!ok) return
      await this.run('withdraw', () => api.post(`/budget-projects/${this.data.id}/withdraw`), '已撤回')
    },

    onOpenSignOff() {
      this.setData({ signOffOpen: true, formError: '' })
    },

    onCloseSignOff() {
      this.setData({ signOffOpen: false, signOffNote: '', formError: '' })
    },

    async onSignOff() {
      const ok = await ui.confirm('验收通过', '您已到现场看过，项目按说的办好了、钱花得对得上？确认后不能更改。', '验收通过')
      if (!ok) return
      const note = this.data.signOffNote.trim()
      await this.run('sign_off', () => api.post(`/budget-projects/${this.data.id}/sign-off`, { accepted: true, note }), '已验收')
    },

    async onRefuseSignOff() {
      const note = this.data.signOffNote.trim()
      if (!note) {
        this.setData({ formError: '请写明哪里没办好、要怎么整改' })
        return
      }
      const ok = await ui.confirm('不通过验收', `要整改的地方：\n${note}\n项目会退回去整改，改好后再验收。`, '不通过')
      if (!ok) return
      await this.run('sign_off', () => api.post(`/budget-projects/${this.data.id}/sign-off`, { accepted: false, note }), '已退回整改')
    },

    onPickStar(e) {
      this.setData({ rating: Number(e.currentTarget.dataset.score), formError: '' })
    },

    async onEvaluate() {
      const rating = this.data.rating
      if (!rating) {
        this.setData({ formError: '请先点星星：1 星很不满意，5 星很满意' })
        return
      }
      const comment = this.data.comment.trim()
      await this.run('evaluate', () => api.post(`/budget-projects/${this.data.id}/evaluations`, { rating, comment }), '已评议')
    },

    // ---------- 替住户评议 ----------

    onStartActing() {
      this.setData({ actPicking: true, actError: '', actDone: '' })
    },

    onPickActFor(e) {
      const h = e.detail
      this.setData({ actPicking: false, actFor: { id: h.id, text: households.pickedText(h) }, actRating: 0, actComment: '', actError: '' })
    },

    onStopActing() {
      this.setData({ actPicking: false, actFor: null, actError: '' })
    },

    onPickActStar(e) {
      this.setData({ actRating: Number(e.currentTarget.dataset.score), actError: '' })
    },

    async onActEvaluate() {
      const actFor = this.data.actFor
      if (!actFor || this.data.busy) return
      const rating = this.data.actRating
      if (!rating) {
        this.setData({ actError: '请先点星星：1 星很不满意，5 星很满意' })
        return
      }
      const comment = this.data.actComment.trim()
      const said = comment ? `，说：${comment}` : ''
      const ok = await ui.confirm('替住户评议', `替 ${actFor.text} 评 ${rating} 星${said}。会写明由您代办，评了不能改。`, '提交评议')
      if (!ok) return
      const body = { rating, comment, on_behalf_of_household_id: actFor.id }
      this.setData({ busy: 'act-evaluate', actError: '' })
      try {
        const p = await api.post(`/budget-projects/${this.data.id}/evaluations`, body, { idempotencyKey: api.keyForBody(this, body) })
        this._key = null
        this.show(p)
        this.setData({ busy: '', actFor: null, actRating: 0, actComment: '', actDone: `已替 ${actFor.text} 评议` })
        wx.showToast({ title: '已替这户评议', icon: 'success' })
      } catch (err) {
        const message = err.code === 'already_evaluated' ? '这户已经评议过这个项目' : (err.message || '没有成功，请稍后再试')
        this.setData({ busy: '', actError: message })
      }
    },
  },
})
