// 三事分流：GET /communities/{id}/triage-queue，待分类的诉求，先来的在前（cursor 分页）。
// 每条显示住户情况（独居老人 / 残疾 / 低保）、按类别给的“建议”（只是参考，由理事会决定）
// 和可能重复的诉求编号；点一条到详情页分类、交办、合并。类别的中文名由后端给出。
// 只给家园理事会成员、社区工作人员用（后端对别人回 403）。
// 页面用 Component 构造器编写，生命周期（onLoad 等）写在 methods 里。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const auth = require('../../utils/auth')
const matters = require('../../utils/matters')
const { formatRelativeTime } = require('../../utils/format')
const { pagedList } = require('../../utils/paged-list')

const PAGE_SIZE = 20

function toItem(m, now) {
  return {
    id: m.id,
    title: m.title || '',
    categoryName: m.category_name || m.category || '',
    buildingName: m.building_name || '',
    description: m.description || '',
    timeText: formatRelativeTime(m.created_at, now),
    flags: matters.flagLabels(m.household_flags),
    suggestion: m.suggested_class ? `建议：${matters.classLabel(m.suggested_class)}` : '',
    similarText: (m.similar_ids || []).length ? `可能重复：${m.similar_ids.map(id => `#${id}`).join(' ')}` : '',
  }
}

const list = pagedList({
  fetch(cursor) {
    return api.get(`/communities/${this._communityId}/triage-queue`, { cursor, limit: PAGE_SIZE }, { silent: true })
  },
  toItem,
  refreshOnShow: true, // 从详情页分类回来，那条就不在队列里了：再次显示时刷新
})

Component({
  behaviors: [elder.behavior],
  data: {
    allowed: true,
    items: [],
    nextCursor: null,
    loading: false,
    loaded: false,
    loadError: '',
  },

  // onLoad（没登录去登录页）、onShow、onPullDownRefresh、onReachBottom 来自 utils/paged-list.js
  methods: Object.assign({}, list, {
    // 进页面：先看是谁、管哪个社区，能看才读队列
    async start() {
      let user
      try {
        user = await auth.currentUser('roles')
      } catch (err) {
        this.setData({ loaded: true, loadError: err.message })
        return
      }
      this._communityId = matters.triageCommunityId(user)
      if (!matters.canTriage(user) || !this._communityId) {
        this.setData({ allowed: false, loaded: true })
        return
      }
      await this.loadFirstPage()
    },

    // 下拉刷新、再次显示：没有权限就什么也不读
    refresh() {
      return this.data.allowed ? this.loadFirstPage() : Promise.resolve()
    },

    // 连用户信息都没读到（还不知道看哪个社区）时从头再来；否则哪一步失败重做哪一步
    retry() {
      if (!this._communityId) {
        this.setData({ loadError: '' })
        return this.onLoad()
      }
      return list.retry.call(this)
    },

    onTapItem(e) {
      wx.navigateTo({ url: `/pages/matter/matter?id=${e.currentTarget.dataset.id}` })
    },
  }),
})
