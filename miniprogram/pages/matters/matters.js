// 我的诉求：GET /matters/mine，新的在前，拉到底加载更多（cursor 分页），下拉刷新；
// 点一条打开详情；还没有时给“我要反映”按钮。
// 页面用 Component 构造器编写，生命周期（onLoad 等）写在 methods 里。
const api = require('../../utils/api')
const matters = require('../../utils/matters')
const { formatRelativeTime } = require('../../utils/format')

const PAGE_SIZE = 20

function toItem(m, names, now) {
  return {
    id: m.id,
    title: m.title || '',
    status: m.status || '',
    statusLabel: m.status_label || '',
    classLabel: matters.classLabel(m.matter_class),
    categoryName: matters.categoryName(m.category, names),
    category: m.category,
    timeText: formatRelativeTime(m.created_at, now),
  }
}

Component({
  data: {
    items: [],
    nextCursor: null,
    loading: false,
    loaded: false,
    loadError: '',
  },

  methods: {
    onLoad() {
      if (!api.getToken()) {
        wx.reLaunch({ url: '/pages/login/login' })
        return Promise.resolve()
      }
      this._names = null
      return Promise.all([this.loadFirstPage(), this.loadCategoryNames()])
    },

    // 从详情页回来时状态可能变了：已经加载过就静默刷新第一页
    onShow() {
      if (!this._shownOnce) {
        this._shownOnce = true
        return Promise.resolve()
      }
      return this.loadFirstPage()
    },

    onPullDownRefresh() {
      return this.loadFirstPage().then(() => wx.stopPullDownRefresh())
    },

    onReachBottom() {
      return this.loadMore()
    },

    // 社区自定义分类的中文名（内置分类不读也有中文名）；读不到不打扰
    async loadCategoryNames() {
      const user = api.getUser()
      const communityId = user && user.household && user.household.community_id
      const items = await matters.loadCategories(communityId, { silent: true })
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
        const res = await api.get('/matters/mine', { limit: PAGE_SIZE }, { silent: true })
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
        const res = await api.get('/matters/mine', { cursor, limit: PAGE_SIZE }, { silent: true })
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
      return this._failedMore ? this.loadMore() : this.loadFirstPage()
    },

    onTapItem(e) {
      wx.navigateTo({ url: `/pages/matter/matter?id=${e.currentTarget.dataset.id}` })
    },

    goNew() {
      wx.navigateTo({ url: '/pages/matter-new/matter-new' })
    },
  },
})
