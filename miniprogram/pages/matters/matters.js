// 我的诉求：GET /matters/mine，新的在前，拉到底加载更多（cursor 分页），下拉刷新；
// 点一条打开详情；还没有时给“我要反映”按钮。类别、大事/小事/私事的中文名由后端给出。
// 文字还在审核或没通过审核的（text_check_label：内容审核中、未通过内容审核），状态处写这个。
// 页面用 Component 构造器编写，生命周期（onLoad 等）写在 methods 里。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const { formatRelativeTime } = require('../../utils/format')
const { pagedList } = require('../../utils/paged-list')

const PAGE_SIZE = 20

function toItem(m, now) {
  return {
    id: m.id,
    title: m.title || '',
    statusLabel: m.text_check_label || m.status_label || '',
    statusClass: m.text_check_label ? `status-check-${m.text_check}` : `status-${m.status || ''}`,
    classLabel: m.class_label || '',
    categoryName: m.category_name || m.category || '',
    timeText: formatRelativeTime(m.created_at, now),
  }
}

const list = pagedList({
  fetch(cursor) {
    return api.get('/matters/mine', { cursor, limit: PAGE_SIZE }, { silent: true })
  },
  toItem,
  refreshOnShow: true, // 从详情页回来时状态可能变了：已经加载过就静默刷新第一页
})

Component({
  behaviors: [elder.behavior],
  data: {
    items: [],
    nextCursor: null,
    loading: false,
    loaded: false,
    loadError: '',
  },

  // onLoad（没登录去登录页）、onShow、onPullDownRefresh、onReachBottom 来自 utils/paged-list.js
  methods: Object.assign({}, list, {
    onTapItem(e) {
      wx.navigateTo({ url: `/pages/matter/matter?id=${e.currentTarget.dataset.id}` })
    },

    goNew() {
      wx.navigateTo({ url: '/pages/matter-new/matter-new' })
    },
  }),
})
