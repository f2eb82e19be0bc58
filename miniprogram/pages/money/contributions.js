// 我家的自筹款：/pages/money/contributions（社区账本“我家的自筹款”，收到自筹款的消息也指向这里）。
// GET /contributions/mine：本户在每个基金交过的每一笔（更正过的按更正后的算）、合计；谁收的（代收的写后端给的
// “由张三（楼栋长）代收”这类 acting_label）、现金还是转账、收据号、收据照片。只有本户自己和记账的人看得到，
// 公示里只有总数。基金的名字从本社区的基金列表来（GET /communities/{id}/funds；读不到时写“基金 #N”）。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const auth = require('../../utils/auth')
const money = require('../../utils/money')
const upload = require('../../utils/upload')
const { yuanText, dateText } = require('../../utils/format')

function entryView(e, fundNames) {
  const corrected = e.effective_fen !== e.amount_fen
  return {
    id: e.id,
    fundName: fundNames[e.fund_id] || `基金 #${e.fund_id}`,
    amountText: yuanText(e.effective_fen),
    correctedText: corrected ? `原记 ${yuanText(e.amount_fen)}，已更正为 ${yuanText(e.effective_fen)}` : '',
    dateText: dateText(e.occurred_on),
    paidByText: money.PAID_BY_LABELS[e.paid_by] || '',
    receiptNo: e.receipt_no || '',
    takenBy: e.acting_label || (e.recorded_by && e.recorded_by.name ? `${e.recorded_by.name} 登记` : ''),
    photo: upload.photoView(e.photo),
  }
}

Component({
  behaviors: [elder.behavior],
  data: {
    loaded: false,
    loadError: '',
    address: '',
    noHousehold: false,
    totalText: '',
    items: [],
  },

  methods: {
    onLoad() {
      if (!auth.requireLogin()) return Promise.resolve()
      return this.load()
    },

    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh())
    },

    async load() {
      const [res, fundNames] = await Promise.all([this.loadMine(), this.loadFundNames()])
      if (!res) return
      this.setData({
        loaded: true,
        loadError: '',
        noHousehold: !res.household,
        address: (res.household && res.household.address) || '',
        totalText: yuanText(res.total_fen || 0),
        items: (res.items || []).map(e => entryView(e, fundNames)),
      })
    },

    async loadMine() {
      try {
        return await api.get('/contributions/mine', undefined, { silent: true })
      } catch (err) {
        this.setData({ loaded: true, loadError: err.message })
        return null
      }
    },

    // 基金的名字只是为了好认：读不到不打扰
    async loadFundNames() {
      const names = {}
      try {
        const user = await auth.currentUser('roles')
        const communityId = money.communityId(user)
        if (!communityId) return names
        const res = await api.get(`/communities/${communityId}/funds`, undefined, { silent: true })
        ;((res && res.items) || []).forEach(f => {
          names[f.id] = f.name
        })
      } catch (err) {
        // 静默
      }
      return names
    },

    onPreviewPhoto(e) {
      const urls = this.data.items.filter(i => i.photo).map(i => i.photo.url)
      money.previewPhoto(urls, e.currentTarget.dataset.url)
    },
  },
})
