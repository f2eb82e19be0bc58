// 账目公示：/pages/money/statement?id=N（公示的消息里的 page 也指向这里）。
// GET /fund-statements/{id}：哪个基金、哪个月（或哪个项目）、期初余额、收入、支出、期末余额，每一笔（带收据、发票照片），
// 监委会的核实。住户自筹在公示里只有一行合计（几户、共多少）：邻居看得到账目，看不到哪家交了多少——
// 后端就不给，页面也不写（utils/money.js 的 lineView 不读 household）。
// 后端说可以（can.confirm：监委会成员，还没答过）时：“核实无误”，或“有疑问”（写明哪里对不上，必填），
// POST /fund-statements/{id}/confirmations。每位监委会成员只答一次：不带幂等键、不自动重试，重发时后端答 409，
// 页面写出说明并重新读取。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const ui = require('../../utils/ui')
const money = require('../../utils/money')
const detailPage = require('../../utils/detail-page')
const { shortDigest } = require('../../utils/polls')
const { yuanText, monthText, formatRelativeTime } = require('../../utils/format')

// 监委会核实到哪一步（后端的 review）：有人提出疑问就一直是“有疑问”，别人核实无误也盖不过
const REVIEW = {
  pending: { css: 'unconfirmed', text: '等监委会核实' },
  confirmed: { css: 'confirmed', text: '✓ 监委会已核实无误' },
  queried: { css: 'queried', text: '监委会有疑问，说明在下面' },
}

function statementView(s, now) {
  const fundName = (s.fund && s.fund.name) || ''
  const period = s.kind === 'project' ? `项目“${(s.project && s.project.title) || ''}”` : monthText(s.month)
  const contributions = s.contributions || { households: 0, total_fen: 0 }
  return {
    title: `${fundName} ${period}账目`,
    openingText: yuanText(s.opening_fen),
    inText: yuanText(s.in_fen),
    outText: yuanText(s.out_fen),
    closingText: yuanText(s.closing_fen),
    contributionsText: contributions.households
      ? `本期住户自筹 ${contributions.households} 户，共 ${yuanText(contributions.total_fen)}`
      : '本期没有住户自筹',
    digestShort: shortDigest(s.digest),
    publishedText: `${(s.published_by && s.published_by.name) || ''} ${formatRelativeTime(s.published_at, now)}公示`,
    review: REVIEW[s.review] || REVIEW.pending,
  }
}

function confirmationView(c, now) {
  return {
    key: `${(c.user && c.user.id) || ''}-${c.created_at}`,
    name: (c.user && c.user.name) || '',
    agrees: Boolean(c.agrees),
    note: c.note || '',
    timeText: formatRelativeTime(c.created_at, now),
  }
}

Component({
  behaviors: [elder.behavior],
  data: {
    id: null,
    loaded: false,
    loadError: '',
    statement: null,
    lines: [],
    confirmations: [],
    canConfirm: false,
    queryOpen: false,
    note: '',
    busy: '',
    formError: '',
  },

  methods: {
    onLoad(query) {
      return detailPage.openById(this, query, '账目编号不对', this.load)
    },

    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh())
    },

    async load() {
      await detailPage.loadShown(this, api.get(`/fund-statements/${this.data.id}`, undefined, { silent: true }), this.show)
    },

    show(s) {
      const now = Date.now()
      this.setData({
        loaded: true,
        statement: statementView(s, now),
        lines: (s.lines || []).map(money.lineView),
        confirmations: (s.confirmations || []).map(c => confirmationView(c, now)),
        canConfirm: Boolean(s.can && s.can.confirm),
      })
    },

    onPreviewPhoto(e) {
      const urls = this.data.lines.filter(l => l.photo).map(l => l.photo.url)
      money.previewPhoto(urls, e.currentTarget.dataset.url)
    },

    onNoteInput(e) {
      this.setData({ note: e.detail.value, formError: '' })
    },

    onOpenQuery() {
      this.setData({ queryOpen: true, formError: '' })
    },

    onCloseQuery() {
      this.setData({ queryOpen: false, note: '', formError: '' })
    },

    onAgree() {
      return this.answer(true)
    },

    onQuery() {
      return this.answer(false)
    },

    async answer(agrees) {
      if (this.data.busy) return
      const note = this.data.note.trim()
      if (!agrees && !note) {
        this.setData({ formError: '请写明哪里对不上：哪一笔、差多少、缺什么票据' })
        return
      }
      const ok = agrees
        ? await ui.confirm('核实无误', '您已对照收据、发票核对过这份账目，确认无误？确认后不能更改。', '核实无误')
        : await ui.confirm('提出疑问', `您的疑问：\n${note}\n提出后记账的人会看到，不能更改。`, '提出疑问')
      if (!ok) return
      this.setData({ busy: agrees ? 'agree' : 'query', formError: '' })
      try {
        const s = await api.post(`/fund-statements/${this.data.id}/confirmations`, { agrees, note })
        this.show(s)
        this.setData({ busy: '', queryOpen: false, note: '' })
        wx.showToast({ title: agrees ? '已核实' : '已提出', icon: 'success' })
      } catch (err) {
        this.setData({ busy: '', formError: err.message || '没有提交成功，请稍后再试' })
        // 已经答过了：重新读取，页面显示现在的样子
        if (err.status === 409) await this.load()
      }
    },
  },
})
