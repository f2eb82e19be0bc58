// 提议一个项目：/pages/budget/propose?round_id=N[&matter_id=M]（预算页“我来提议”；自家诉求页“转为预算提案”带 matter_id）。
// 先读这一轮（GET /budget-rounds/{id}）：标题、预算、是不是还在征集、后端说我能不能提议（can.propose）。
// 带 matter_id 时读这件诉求（GET /matters/{id}），把标题、说明、地点先填上，写明“由诉求 #M 转来”。
// 填：项目名称（必填）、说明、地点、大概要花多少钱（元，可以不填；议事会审议时会定下预算）。
// 提交 POST /budget-rounds/{id}/projects：不带幂等键、不自动重试（重发会多出一个提议），成功后转到项目页。
// 后端不收时（422 写明哪一项、409 征集已结束、403 不在范围）把后端的中文说明写在按钮上面。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const auth = require('../../utils/auth')
const ui = require('../../utils/ui')
const { yuanText, fenFromYuan } = require('../../utils/format')

const TITLE_MIN = 2

Component({
  behaviors: [elder.behavior],
  data: {
    roundId: null,
    matterId: null,
    loaded: false,
    loadError: '',
    round: null,
    canPropose: false,
    title: '',
    description: '',
    location: '',
    estimateText: '',
    busy: '',
    formError: '',
  },

  methods: {
    onLoad(query) {
      if (!auth.requireLogin()) return Promise.resolve()
      const roundId = Number(query && query.round_id)
      const matterId = query && query.matter_id ? Number(query.matter_id) : null
      if (!Number.isInteger(roundId) || roundId <= 0 || (matterId !== null && !(Number.isInteger(matterId) && matterId > 0))) {
        this.setData({ loaded: true, loadError: '编号不对' })
        return Promise.resolve()
      }
      this.setData({ roundId, matterId })
      return this.load()
    },

    async load() {
      try {
        const [r, m] = await Promise.all([
          api.get(`/budget-rounds/${this.data.roundId}`, undefined, { silent: true }),
          this.data.matterId ? api.get(`/matters/${this.data.matterId}`, undefined, { silent: true }) : null,
        ])
        const canPropose = Boolean(r.can && r.can.propose)
        this.setData({
          loaded: true,
          loadError: '',
          round: { title: r.title || '', budgetText: yuanText(r.budget_fen), scopeLabel: r.scope_label || '', statusLabel: r.status_label || '' },
          canPropose,
        })
        // 由诉求转来：先填上，居民可以再改（只在表单还空着时填，重新加载不覆盖已经改过的）
        if (m && !this.data.title && !this.data.description) {
          this.setData({ title: (m.title || '').slice(0, 60), description: m.description || '', location: m.place_text || '' })
        }
      } catch (err) {
        this.setData({ loaded: true, loadError: err.message })
      }
    },

    onFieldInput(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value, formError: '' })
    },

    validate() {
      const d = this.data
      if (d.title.trim().length < TITLE_MIN) return '请写项目名称，至少 2 个字，比如“3幢楼道装声控灯”'
      if (d.estimateText.trim() && fenFromYuan(d.estimateText) === null) return '大概要花多少钱：请填元，比如 2000 或 2000.50；不知道可以不填'
      return ''
    },

    async onSubmit() {
      if (!ui.formReady(this)) return
      const d = this.data
      const body = { title: d.title.trim(), description: d.description.trim(), location: d.location.trim() }
      if (d.estimateText.trim()) body.estimate_fen = fenFromYuan(d.estimateText)
      if (d.matterId) body.matter_id = d.matterId
      this.setData({ busy: 'submit', formError: '' })
      let project
      try {
        // 幂等键跟着这份提案走：答复在路上丢了再点一次，不会提两份
        project = await api.post(`/budget-rounds/${d.roundId}/projects`, body,
          { silent: true, idempotencyKey: api.keyForBody(this, body) })
      } catch (err) {
        this.setData({ busy: '', formError: err.message || '没有提交成功，请稍后再试' })
        return
      }
      this.setData({ busy: '' })
      wx.showToast({ title: '已提交', icon: 'success' })
      wx.redirectTo({ url: `/pages/budget/project?id=${project.id}` })
    },
  },
})
