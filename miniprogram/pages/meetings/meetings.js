// 会议：GET /meetings/mine，我家被邀请的和我召集的、还没结束的会，时间近的在前；下拉刷新。
// 每条显示会议种类（院坝会……）、标题、时间、地点、状态和我家的回复；点一条打开详情。
// 楼栋长、社区工作人员还有“召集会议”按钮。
// 页面用 Component 构造器编写，生命周期（onLoad 等）写在 methods 里。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const auth = require('../../utils/auth')
const meetings = require('../../utils/meetings')
const { formatMeetingTime } = require('../../utils/format')
const { pagedList } = require('../../utils/paged-list')

function toItem(m, now) {
  return {
    id: m.id,
    title: m.title || '',
    kindLabel: meetings.kindLabel(m.kind),
    stageLabel: meetings.stageLabel(m.stage),
    timeText: formatMeetingTime(m.starts_at, now, m.ends_at),
    place: m.place || '',
    status: m.status || '',
    statusLabel: meetings.statusLabel(m, now),
    replyText: meetings.myReplyText(m),
    replied: Boolean(m.my_reply || m.present),
  }
}

const list = pagedList({
  // 后端现在一次给全（next_cursor 总是 null）；以后分页了，这里照样能接着读
  fetch(cursor) {
    return api.get('/meetings/mine', cursor ? { cursor } : undefined, { silent: true })
  },
  toItem,
  refreshOnShow: true, // 从详情页、召集页回来时可能变了：已经加载过就刷新
})

Component({
  behaviors: [elder.behavior],
  data: {
    items: [],
    nextCursor: null,
    loading: false,
    loaded: false,
    loadError: '',
    canCall: false,
  },

  // onLoad（没登录去登录页）、onShow、onPullDownRefresh、onReachBottom 来自 utils/paged-list.js；
  // 下拉刷新、再次显示只刷新列表（refresh 用默认的）
  methods: Object.assign({}, list, {
    // 进页面：列表之外还要看能不能召集会议
    start() {
      return Promise.all([this.loadUser(), this.loadFirstPage()])
    },

    // 角色决定有没有“召集会议”：用本地缓存的 /me，没有时读一次；读不到就不显示
    async loadUser() {
      try {
        const user = await auth.currentUser('roles')
        this.setData({ canCall: meetings.canCallMeetings(user) })
      } catch (err) {
        this.setData({ canCall: false })
      }
    },

    onTapItem(e) {
      wx.navigateTo({ url: `/pages/meeting/meeting?id=${e.currentTarget.dataset.id}` })
    },

    goNew() {
      wx.navigateTo({ url: '/pages/meeting-new/meeting-new' })
    },
  }),
})
