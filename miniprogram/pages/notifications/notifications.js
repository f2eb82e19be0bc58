// 消息页（收件箱）：GET /notifications 按时间从新到旧，拉到底加载更多，下拉刷新；
// 点一条标为已读并打开相关页面；“全部已读”；“开启微信提醒”（订阅消息授权）。
// 每条下面用小号灰字写微信提醒发出去没有（后端给的 wechat_label，如“未发送微信提醒：未订阅”）。
// “微信提醒设置”：每类消息一个开关（GET/PUT /notifications/preferences），关掉的只在这里看，
// 不用掉微信授权次数；邻居的留言默认关着。
// 页面用 Component 构造器编写，生命周期（onLoad 等）写在 methods 里。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const subscribe = require('../../utils/subscribe')
const { formatRelativeTime } = require('../../utils/format')
const { pagedList } = require('../../utils/paged-list')

const PAGE_SIZE = 20

function toItem(n, now) {
  return {
    id: n.id,
    title: n.title || '',
    body: n.body || '',
    page: n.page || '',
    unread: !n.read_at,
    timeText: formatRelativeTime(n.created_at, now),
    wechatLabel: n.wechat_label || '',
  }
}

// 有某种已配置的提醒用完了次数，才显示“开启微信提醒”
function needsReminder(consents) {
  return (consents || []).some(c => c.remaining === 0)
}

function toPreference(p) {
  return { kind: p.kind, label: p.label || '', wechat: Boolean(p.wechat), hint: p.hint || '' }
}

function totalRemaining(consents) {
  return (consents || []).reduce((sum, c) => sum + (c.remaining || 0), 0)
}

const list = pagedList({
  fetch(cursor) {
    return api.get('/notifications', { cursor, limit: PAGE_SIZE }, { silent: true })
  },
  toItem,
})

Component({
  behaviors: [elder.behavior],
  data: {
    items: [],
    nextCursor: null,
    loading: false,
    loaded: false,
    loadError: '',
    hasUnread: false,
    markingAll: false,
    showReminder: false,
    subscribing: false,
    preferences: [],
    showSettings: false,
    savingKind: '',
  },

  // 列表（loadFirstPage、loadMore、showItems、retry）和 onLoad（没登录去登录页）、onPullDownRefresh、
  // onReachBottom 来自 utils/paged-list.js
  methods: Object.assign({}, list, {
    // 进页面、下拉刷新：列表、提醒次数和提醒设置一起读
    refresh() {
      return Promise.all([this.loadFirstPage(), this.loadConsents(), this.loadPreferences()])
    },

    setItems(items, extra) {
      this.setData(Object.assign({ items, hasUnread: items.some(item => item.unread) }, extra || {}))
    },

    // ---------- 已读 ----------

    markLocally(id, unread) {
      this.setItems(this.data.items.map(item => (item.id === id ? Object.assign({}, item, { unread }) : item)))
    },

    onTapItem(e) {
      const id = Number(e.currentTarget.dataset.id)
      const item = this.data.items.find(it => it.id === id)
      if (!item) return Promise.resolve()
      let marking = Promise.resolve()
      if (item.unread) {
        // 先在本地标为已读，马上打开页面；后端没标上就恢复未读
        this.markLocally(id, false)
        marking = api.post(`/notifications/${id}/read`, undefined, { silent: true }).catch(() => this.markLocally(id, true))
      }
      if (item.page) {
        const url = item.page.charAt(0) === '/' ? item.page : `/${item.page}`
        wx.navigateTo({ url })
      }
      return marking
    },

    async onMarkAllRead() {
      if (this.data.markingAll || !this.data.items.length) return
      const upToId = Math.max.apply(null, this.data.items.map(item => item.id))
      this.setData({ markingAll: true })
      try {
        await api.post('/notifications/read-all', { up_to_id: upToId })
        this.setItems(this.data.items.map(item => (item.id <= upToId ? Object.assign({}, item, { unread: false }) : item)))
      } catch (err) {
        // api.js 已经弹出中文提示
      } finally {
        this.setData({ markingAll: false })
      }
    },

    // ---------- 微信提醒（订阅消息） ----------

    async loadConsents() {
      try {
        this._consents = await subscribe.loadConsents({ silent: true })
      } catch (err) {
        this._consents = null // 取不到就不提供这个按钮
      }
      this.setData({ showReminder: needsReminder(this._consents) })
    },

    onEnableReminder() {
      if (this.data.subscribing || !this._consents) return Promise.resolve()
      const before = totalRemaining(this._consents)
      // 必须在点击处理函数里同步调用（前面不能有 await），微信才会弹出授权框
      const asking = subscribe.requestConsents(subscribe.ALL_KINDS, this._consents)
      this.setData({ subscribing: true })
      return asking
        .then(list => {
          this._consents = list
          this.setData({ showReminder: needsReminder(list) })
          if (totalRemaining(list) > before) wx.showToast({ title: '已开启提醒', icon: 'success' })
        })
        .catch(() => {
          // 上报失败：api.js 已经弹出中文提示，按钮留着可以再点
        })
        .then(() => this.setData({ subscribing: false }))
    },

    // ---------- 微信提醒设置（每类消息发不发微信） ----------

    async loadPreferences() {
      try {
        const res = await api.get('/notifications/preferences', undefined, { silent: true })
        this.setData({ preferences: ((res && res.items) || []).map(toPreference) })
      } catch (err) {
        this.setData({ preferences: [] }) // 取不到就不显示设置
      }
    },

    onToggleSettings() {
      this.setData({ showSettings: !this.data.showSettings })
    },

    showPreference(kind, wechat) {
      this.setData({ preferences: this.data.preferences.map(p => (p.kind === kind ? Object.assign({}, p, { wechat }) : p)) })
    },

    async onSwitchWechat(e) {
      const kind = e.currentTarget.dataset.kind
      const wechat = Boolean(e.detail.value)
      if (this.data.savingKind) return
      this.showPreference(kind, wechat)
      this.setData({ savingKind: kind })
      try {
        const res = await api.put('/notifications/preferences', { kind, wechat })
        this.setData({ preferences: ((res && res.items) || []).map(toPreference) })
        wx.showToast({ title: wechat ? '已开启微信提醒' : '已关闭微信提醒', icon: 'success' })
      } catch (err) {
        this.showPreference(kind, !wechat) // 没存上：开关恢复原样（api.js 已经弹出中文提示）
      } finally {
        this.setData({ savingKind: '' })
      }
    },
  }),
})
