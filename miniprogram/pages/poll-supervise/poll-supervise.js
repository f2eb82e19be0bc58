// 监委会：/pages/poll-supervise/poll-supervise?id=N。三栏，用 utils/paged-list.js 读当前这一栏（拉到底加载更多，下拉刷新）：
// - 待确认：GET /polls/{id}/paper-ballots?status=pending。每张显示照片（点开看大图；照片是 null 时——无记名投票的
//   照片确认或退回后就销毁了——写明“已在确认后销毁”）、住户、纸质票/委托投票、
//   受托人和委托书、录入的选择（中文）、谁录的。核对照片后“确认”（POST …/confirm，计票）或“退回”（写原因，
//   POST …/reject，这户可以重新投）。
// - 审计记录：GET /polls/{id}/events，动作用后端给的中文（action_label）。
// - 异议：GET /polls/{id}/objections，没答复的可以答复（POST …/answer）。
// 另有：已公示的表决显示公示的计票摘要（result_digest），“复核计票”（POST /polls/{id}/recount）把重新计票的
// 摘要和它比：一致显示“结果一致”，不一致显示红字“结果不一致”和两个摘要；
// 后端说可以截止（can_close：过了截止时间还没计票）时“截止计票”（POST /polls/{id}/close）。
// 确认、退回、答复、复核、截止都不带幂等键、不自动重试：重发时后端答 409（已经处理过），不会重复。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const ui = require('../../utils/ui')
const upload = require('../../utils/upload')
const polls = require('../../utils/polls')
const detailPage = require('../../utils/detail-page')
const { pagedList } = require('../../utils/paged-list')
const { formatRelativeTime } = require('../../utils/format')

const TABS = [
  { code: 'pending', label: '待确认' },
  { code: 'events', label: '审计记录' },
  { code: 'objections', label: '异议' },
]

// 无记名投票的纸质票照片上有这户的选择：监委会确认或退回后后端就销毁了，photo 是 null
const PHOTO_DESTROYED_TEXT = '无记名投票：纸质票照片已在确认后销毁'

function paperItem(p, questions, now) {
  const photo = p.photo || {}
  return {
    photoGone: !p.photo,
    id: p.id,
    household: p.household || `${p.household_id}号住户`,
    via: p.via,
    viaText: polls.viaLabel(p.via),
    thumb: upload.mediaUrl(photo.thumbnail_url || photo.url),
    photoUrl: upload.mediaUrl(photo.url || photo.thumbnail_url),
    proxyName: p.proxy_name || '',
    authorizationText: p.authorization_text || '',
    lines: p.choices ? polls.choicesLines(questions, p.choices) : [],
    enteredBy: p.entered_by || '',
    timeText: formatRelativeTime(p.entered_at, now),
  }
}

function eventItem(e, now) {
  return {
    id: e.id,
    actionText: e.action_label,
    actor: e.actor || '',
    household: e.household || '',
    note: e.note || '',
    timeText: formatRelativeTime(e.created_at, now),
  }
}

function objectionItem(o, now) {
  return {
    id: o.id,
    text: o.text,
    household: o.household || '',
    timeText: formatRelativeTime(o.created_at, now),
    answer: o.answer || '',
    answeredText: o.answered_at ? formatRelativeTime(o.answered_at, now) : '',
  }
}

const list = pagedList({
  // 当前这一栏的一页；换算成页面上的样子在这里做（纸质票要用题目把选择写成中文）
  async fetch(cursor) {
    const id = this.data.id
    const now = Date.now()
    const query = cursor ? { cursor, limit: 20 } : { limit: 20 }
    let res
    let toView
    if (this.data.tab === 'events') {
      res = await api.get(`/polls/${id}/events`, query, { silent: true })
      toView = e => eventItem(e, now)
    } else if (this.data.tab === 'objections') {
      res = await api.get(`/polls/${id}/objections`, query, { silent: true })
      toView = o => objectionItem(o, now)
    } else {
      res = await api.get(`/polls/${id}/paper-ballots`, Object.assign({ status: 'pending' }, query), { silent: true })
      const questions = (this._poll && this._poll.questions) || []
      toView = p => paperItem(p, questions, now)
    }
    return { items: ((res && res.items) || []).map(toView), next_cursor: (res && res.next_cursor) || null }
  },
  toItem: item => item,
})

Component({
  behaviors: [elder.behavior],
  data: {
    id: null,
    // 当前这一栏（utils/paged-list.js）
    items: [],
    nextCursor: null,
    loading: false,
    loaded: false,
    loadError: '',

    tabs: TABS,
    photoDestroyedText: PHOTO_DESTROYED_TEXT,
    tab: 'pending',
    pageLoaded: false,
    pageError: '',
    poll: null,
    busy: '',
    actionError: '',
    rejectId: null,
    rejectReason: '',
    answerId: null,
    answerText: '',
    recount: null,
  },

  methods: Object.assign({}, list, {
    onLoad(query) {
      const id = detailPage.queryId(this, query, '表决编号不对', { fields: detailPage.PAGE_FIELDS })
      if (!id) return Promise.resolve()
      this.setData({ id })
      return this.start()
    },

    // 先读表决（题目用来把选择写成中文），再读当前这一栏
    async start() {
      const ok = await this.loadPoll()
      if (ok) await this.loadFirstPage()
    },

    refresh() {
      return Promise.all([this.loadPoll(), this.loadFirstPage()])
    },

    async loadPoll() {
      try {
        const p = await api.get(`/polls/${this.data.id}`, undefined, { silent: true })
        this.showPoll(p)
        return true
      } catch (err) {
        this.setData({ pageLoaded: true, pageError: err.message })
        return false
      }
    },

    showPoll(p) {
      const now = Date.now()
      this._poll = p
      this.setData({
        pageLoaded: true,
        pageError: '',
        poll: {
          title: p.title || '',
          status: p.status,
          statusLabel: p.status_label || '',
          closesText: polls.timeText(p.closes_at, now),
          turnoutText: polls.turnoutText(p),
          closed: p.status === 'closed',
          resultDigest: p.result_digest || '',
          canClose: Boolean(p.can_close),
          canSupervise: Boolean(p.can_supervise),
        },
      })
    },

    retryPage() {
      this.setData({ pageError: '' })
      return this.start()
    },

    onPickTab(e) {
      const tab = e.currentTarget.dataset.tab
      if (!TABS.some(t => t.code === tab) || tab === this.data.tab) return Promise.resolve()
      this.setData({ tab, items: [], nextCursor: null, loaded: false, loadError: '', actionError: '', rejectId: null, answerId: null })
      return this.loadFirstPage()
    },

    removeItem(id) {
      this.setData({ items: this.data.items.filter(item => item.id !== id) })
    },

    // 出错：api.js 已经弹出后端的说明，页面上也写着；409（别人已经处理过了）时重新读这一栏
    async failed(err) {
      this.setData({ actionError: err.message || '操作没有成功' })
      if (err.status === 409) await this.loadFirstPage()
    },

    // ---------- 待确认的纸质票 ----------

    onPreview(e) {
      const item = this.data.items.find(i => i.id === Number(e.currentTarget.dataset.id))
      if (!item || !item.photoUrl) return
      wx.previewImage({ urls: [item.photoUrl], current: item.photoUrl })
    },

    async onConfirmPaper(e) {
      if (this.data.busy) return
      const item = this.data.items.find(i => i.id === Number(e.currentTarget.dataset.id))
      if (!item) return
      const question = item.photoGone
        ? `${item.household}的${item.viaText}没有照片可以核对（${PHOTO_DESTROYED_TEXT}）。确认后计入结果。`
        : `已核对照片：${item.household}的${item.viaText}与录入的选择一致？确认后计入结果。`
      const ok = await ui.confirm('确认计票', question, '确认')
      if (!ok) return
      this.setData({ busy: `confirm-${item.id}`, actionError: '' })
      try {
        await api.post(`/polls/${this.data.id}/paper-ballots/${item.id}/confirm`)
        this.removeItem(item.id)
        wx.showToast({ title: '已确认', icon: 'success' })
      } catch (err) {
        await this.failed(err)
      } finally {
        this.setData({ busy: '' })
      }
    },

    onToggleReject(e) {
      const id = Number(e.currentTarget.dataset.id)
      this.setData({ rejectId: this.data.rejectId === id ? null : id, rejectReason: '', actionError: '' })
    },

    onFieldInput(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value, actionError: '' })
    },

    async onRejectPaper(e) {
      if (this.data.busy) return
      const id = Number(e.currentTarget.dataset.id)
      const reason = this.data.rejectReason.trim()
      if (!reason) {
        this.setData({ actionError: '请写明退回的原因（比如：照片看不清、和录入的不一致、委托书没签字）' })
        return
      }
      this.setData({ busy: `reject-${id}`, actionError: '' })
      try {
        await api.post(`/polls/${this.data.id}/paper-ballots/${id}/reject`, { reason })
        this.removeItem(id)
        this.setData({ rejectId: null, rejectReason: '' })
        wx.showToast({ title: '已退回', icon: 'success' })
      } catch (err) {
        await this.failed(err)
      } finally {
        this.setData({ busy: '' })
      }
    },

    // ---------- 异议 ----------

    onToggleAnswer(e) {
      const id = Number(e.currentTarget.dataset.id)
      this.setData({ answerId: this.data.answerId === id ? null : id, answerText: '', actionError: '' })
    },

    async onAnswerObjection(e) {
      if (this.data.busy) return
      const id = Number(e.currentTarget.dataset.id)
      const answer = this.data.answerText.trim()
      if (answer.length < 2) {
        this.setData({ actionError: '请写答复（至少 2 个字）' })
        return
      }
      this.setData({ busy: `answer-${id}`, actionError: '' })
      try {
        const res = await api.post(`/polls/${this.data.id}/objections/${id}/answer`, { answer })
        const now = Date.now()
        this.setData({
          items: this.data.items.map(item => (item.id === id ? objectionItem(res, now) : item)),
          answerId: null,
          answerText: '',
        })
        wx.showToast({ title: '已答复', icon: 'success' })
      } catch (err) {
        await this.failed(err)
      } finally {
        this.setData({ busy: '' })
      }
    },

    // ---------- 复核计票、截止计票 ----------

    async onRecount() {
      if (this.data.busy) return
      this.setData({ busy: 'recount', actionError: '', recount: null })
      try {
        const res = await api.post(`/polls/${this.data.id}/recount`)
        // 重新计票的摘要和本页显示的公示摘要（result_digest，居民在详情页看到的也是它）比
        const published = this.data.poll.resultDigest
        const fresh = res.recount_digest || ''
        this.setData({ recount: { matches: Boolean(fresh) && fresh === published, published, fresh } })
        if (this.data.tab === 'events') await this.loadFirstPage()
      } catch (err) {
        this.setData({ actionError: err.message || '复核没有成功' })
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onClosePoll() {
      if (this.data.busy) return
      const ok = await ui.confirm('截止计票', '已经过了截止时间。现在截止投票、计票并公示结果吗？之后不能再投票。', '截止计票')
      if (!ok) return
      this.setData({ busy: 'close', actionError: '' })
      try {
        const poll = await api.post(`/polls/${this.data.id}/close`)
        this.showPoll(poll)
        wx.showToast({ title: '已计票公示', icon: 'success' })
      } catch (err) {
        this.setData({ actionError: err.message || '没有成功' })
        if (err.status === 409) await this.loadPoll()
      } finally {
        this.setData({ busy: '' })
      }
    },

    goPoll() {
      wx.navigateTo({ url: `/pages/poll/poll?id=${this.data.id}` })
    },
  }),
})
