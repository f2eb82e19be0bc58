// 收自筹款：/pages/money/collect?fund_id=N（社区账本里后端说能收款的 can.collect：楼栋长、网格员、社区工作人员）。
// - 住户名单：GET /funds/{id}/contributors?status=unpaid|paid（后端只给我能替他们收款的住户，加载更多）。
// - 点一户：金额（默认是基金建议的每户多少）、现金还是转账、哪天收的（北京时间，不能是以后）、收据号（可以不填）、
//   收据照片（现金必须有：behaviors/one-photo.js 上传，没传上去可以重试，同一张沿用同一个键）。
// - 确认后 POST /funds/{id}/entries {kind: 'contribution', …}。幂等键跟着这份表单走（api.keyForBody）：
//   网络断了没收到结果，api.js 自动重试、再点一次，用的都是同一个键，后端只记一笔；改了内容才换新键，成功后忘掉。
//   后端记好后通知这户（“已收到您家的自筹款 100.00 元”），页面重读名单。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const ui = require('../../utils/ui')
const { pagedList } = require('../../utils/paged-list')
const money = require('../../utils/money')
const households = require('../../utils/households')
const detailPage = require('../../utils/detail-page')
const onePhoto = require('../../behaviors/one-photo')
const { yuan, yuanText, dateText, fenFromYuan, meetingPickerValues } = require('../../utils/format')

const PAGE_SIZE = 50

const list = pagedList({
  fetch(cursor) {
    const query = { status: this.data.status, limit: PAGE_SIZE }
    if (cursor) query.cursor = cursor
    return api.get(`/funds/${this.data.fundId}/contributors`, query, { silent: true })
  },
  toItem: c => ({
    id: c.household.id,
    address: c.household.address || '',
    headName: c.head_name || '',
    contributedText: c.contributed_fen > 0 ? `已交 ${yuanText(c.contributed_fen)}` : '',
    lastOnText: c.last_on ? dateText(c.last_on) : '',
  }),
})

// 北京时间的今天（收款日期的默认值和上限）
function today() {
  return meetingPickerValues(Date.now()).date
}

Component({
  behaviors: [elder.behavior, onePhoto],
  data: {
    fundId: null,
    fund: null,
    pageLoaded: false,
    pageError: '',
    status: 'unpaid',
    // 住户名单（utils/paged-list.js）
    items: [],
    nextCursor: null,
    loading: false,
    loaded: false,
    loadError: '',

    selected: null,
    amountText: '',
    paidBy: 'cash',
    occurredOn: '',
    today: '',
    receiptNo: '',
    formError: '',
    busy: '',
    doneNotice: '',
  },

  methods: Object.assign({}, list, {
    onLoad(query) {
      const fundId = detailPage.queryId(this, query, '基金编号不对', { key: 'fund_id', fields: detailPage.PAGE_FIELDS })
      if (!fundId) return Promise.resolve()
      this.setData({ fundId, today: today() })
      return this.start()
    },

    onUnload() {
      this._unloaded = true
      this.dropPhoto()
    },

    async start() {
      if (await this.loadFund()) await this.loadFirstPage()
    },

    async loadFund() {
      try {
        const f = await api.get(`/funds/${this.data.fundId}`, undefined, { silent: true })
        this._suggestedFen = f.suggested_fen || null
        const canCollect = Boolean(f.can && f.can.collect)
        this.setData({
          pageLoaded: true,
          pageError: canCollect ? '' : '您不能替这个基金收自筹款：只有负责这些住户的楼栋长、网格员和社区工作人员可以。',
          fund: {
            name: f.name || '',
            scopeLabel: f.scope_label || '',
            suggestedText: f.suggested_fen ? `每户 ${yuanText(f.suggested_fen)}` : '',
          },
        })
        return canCollect
      } catch (err) {
        this.setData({ pageLoaded: true, pageError: err.message })
        return false
      }
    },

    retryPage() {
      this.setData({ pageError: '' })
      return this.start()
    },

    onPickStatus(e) {
      const status = e.currentTarget.dataset.status
      if (!status || status === this.data.status) return Promise.resolve()
      this.setData({ status, items: [], nextCursor: null, loaded: false, loadError: '' })
      return this.loadFirstPage()
    },

    // ---------- 点一户，填表 ----------

    onPickHousehold(e) {
      if (this.data.busy) return
      const item = this.data.items.find(i => i.id === Number(e.currentTarget.dataset.id))
      if (!item) return
      this.dropPhoto()
      this._key = null
      this._keySig = null
      this.setData({
        selected: { id: item.id, text: households.pickedText(item), contributedText: item.contributedText },
        amountText: this._suggestedFen ? yuan(this._suggestedFen) : '',
        paidBy: 'cash',
        occurredOn: today(),
        receiptNo: '',
        photo: null,
        formError: '',
        doneNotice: '',
      })
    },

    onCancelEntry() {
      this.dropPhoto()
      this.setData({ selected: null, photo: null, formError: '' })
    },

    onFieldInput(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value, formError: '' })
    },

    onPickPaidBy(e) {
      const paidBy = e.currentTarget.dataset.paid
      if (paidBy === 'cash' || paidBy === 'transfer') this.setData({ paidBy, formError: '' })
    },

    onDateChange(e) {
      this.setData({ occurredOn: e.detail.value, formError: '' })
    },

    // ---------- 记账 ----------

    validate() {
      const d = this.data
      if (!d.selected) return '请先在下面点一户'
      if (fenFromYuan(d.amountText) === null) return '请填收了多少钱，比如 100 或 100.50（元，最多两位小数）'
      if (!d.occurredOn) return '请选收款的日期'
      if (d.paidBy === 'cash' && !d.photo) return '现金要拍下收据的照片'
      return this.photoProblem()
    },

    payload() {
      const d = this.data
      const body = {
        kind: 'contribution',
        household_id: d.selected.id,
        amount_fen: fenFromYuan(d.amountText),
        occurred_on: d.occurredOn,
        paid_by: d.paidBy,
      }
      if (d.receiptNo.trim()) body.receipt_no = d.receiptNo.trim()
      if (d.photo) body.photo_id = d.photo.id
      return body
    },

    async onSubmit() {
      if (!ui.formReady(this)) return
      const d = this.data
      const body = this.payload()
      const what = `${d.selected.text}\n${yuanText(body.amount_fen)}，${money.PAID_BY_LABELS[body.paid_by]}，${dateText(body.occurred_on)}`
      const ok = await ui.confirm('确认收款', `收到这户的自筹款：\n${what}\n记下后会通知这户。`, '确认记下')
      if (!ok) return
      // 同一份表单一个键：没收到结果时自动重试、再点一次都用它，后端只记一笔
      const key = api.keyForBody(this, body)
      this.setData({ busy: 'submit', formError: '' })
      try {
        await api.post(`/funds/${this.data.fundId}/entries`, body, { idempotencyKey: key })
      } catch (err) {
        this.setData({ busy: '', formError: err.message || '没有记上，请稍后再试' })
        return
      }
      this._key = null
      this._keySig = null
      this.setData({
        busy: '',
        selected: null,
        photo: null,
        doneNotice: `已记下：${d.selected.text} ${yuanText(body.amount_fen)}。这户会收到通知。`,
      })
      wx.showToast({ title: '已记下', icon: 'success' })
      await this.loadFirstPage()
    },
  }),
})
