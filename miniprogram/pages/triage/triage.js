// 三事分流：GET /communities/{id}/triage-queue，待分类的诉求，先来的在前（cursor 分页）。
// 每条显示住户情况（独居老人 / 残疾 / 低保）、按类别给的“建议”（只是参考，由理事会决定）
// 和可能重复的诉求编号；点一条到详情页分类、交办、合并。
// 只给家园理事会成员、社区工作人员用（后端对别人回 403）。
// 页面用 Component 构造器编写，生命周期（onLoad 等）写在 methods 里。
const api = require('../../utils/api')
const matters = require('../../utils/matters')
const { formatRelativeTime } = require('../../utils/format')

const PAGE_SIZE = 20

function toItem(m, names, now) {
  return {
    id: m.id,
    title: m.title || '',
    category: m.category,
    categoryName: matters.categoryName(m.category, names),
    buildingName: m.building_name || '',
    description: m.description || '',
    timeText: formatRelativeTime(m.created_at, now),
    flags: matters.flagLabels(m.household_flags),
    suggestion: m.suggested_class ? `建议：${matters.classLabel(m.suggested_class)}` : '',
    similarText: (m.similar_ids || []).length ? `可能重复：${m.similar_ids.map(id => `#${id}`).join(' ')}` : '',
  }
}

Component({
  data: {
    allowed: true,
    items: [],
    nextCursor: null,
    loading: false,
    loaded: false,
    loadError: '',
  },

  methods: {
    async onLoad() {
      if (!api.getToken()) {
        wx.reLaunch({ url: '/pages/login/login' })
        return
      }
      let user = api.getUser()
      if (!user || !user.roles) {
        try {
          user = await api.get('/me', undefined, { silent: true })
          api.setUser(user)
        } catch (err) {
          this.setData({ loaded: true, loadError: err.message })
          return
        }
      }
      this._communityId = matters.triageCommunityId(user)
      if (!matters.canTriage(user) || !this._communityId) {
        this.setData({ allowed: false, loaded: true })
        return
      }
      this._names = null
      await Promise.all([this.loadFirstPage(), this.loadCategoryNames()])
    },

    // 从详情页分类回来，那条就不在队列里了：再次显示时刷新
    onShow() {
      if (!this._shownOnce) {
        this._shownOnce = true
        return Promise.resolve()
      }
      return this.data.allowed ? this.loadFirstPage() : Promise.resolve()
    },

    onPullDownRefresh() {
      const work = this.data.allowed ? this.loadFirstPage() : Promise.resolve()
      return work.then(() => wx.stopPullDownRefresh())
    },

    onReachBottom() {
      return this.loadMore()
    },

    async loadCategoryNames() {
      const items = await matters.loadCategories(this._communityId, { silent: true })
      if (!items) return
      this._names = matters.categoryNames(items)
      this.setData({
        items: this.data.items.map(item => Object.assign({}, item, { categoryName: matters.categoryName(item.category, this._names) })),
      })
    },

    async loadFirstPage() {
      const generation = (this._generation = (this._generation || 0) + 1)
      this.setData({ loading: true })
      try {
        const res = await api.get(`/communities/${this._communityId}/triage-queue`, { limit: PAGE_SIZE }, { silent: true })
        if (generation !== this._generation) return
        this.showItems(res.items || [], res.next_cursor || null, false)
        this._failedMore = false
        this.setData({ loadError: '' })
      } catch (err) {
        if (generation !== this._generation) return
        this._failedMore = false
        this.setData({ loadError: err.message })
      } finally {
        if (generation === this._generation) this.setData({ loading: false, loaded: true })
      }
    },

    async loadMore() {
      const cursor = this.data.nextCursor
      if (!cursor || this.data.loading) return
      const generation = this._generation
      this.setData({ loading: true })
      try {
        const res = await api.get(`/communities/${this._communityId}/triage-queue`, { cursor, limit: PAGE_SIZE }, { silent: true })
        if (generation !== this._generation) return
        this.showItems(res.items || [], res.next_cursor || null, true)
        this.setData({ loadError: '' })
      } catch (err) {
        if (generation !== this._generation) return
        this._failedMore = true
        this.setData({ loadError: err.message })
      } finally {
        if (generation === this._generation) this.setData({ loading: false })
      }
    },

    showItems(list, nextCursor, append) {
      const now = Date.now()
      const fresh = list.map(m => toItem(m, this._names, now))
      let items = fresh
      if (append) {
        const seen = new Set(this.data.items.map(item => item.id))
        items = this.data.items.concat(fresh.filter(item => !seen.has(item.id)))
      }
      this.setData({ items, nextCursor })
    },

    retry() {
      if (!this._communityId) {
        this.setData({ loadError: '' })
        return this.onLoad()
      }
      return this._failedMore ? this.loadMore() : this.loadFirstPage()
    },

    onTapItem(e) {
      wx.navigateTo({ url: `/pages/matter/matter?id=${e.currentTarget.dataset.id}` })
    },
  },
})
