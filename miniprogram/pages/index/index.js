// 首页：显示 GET /me 的结果（称呼、住户、身份）和未读消息数，可以去消息页、诉求、会议、表决、社区账本、
// 我的信息、我的信息与隐私、绑定住户或退出登录；承办人有“我的待办”（带待办数），楼栋长、网格员、
// 社区工作人员有“住户”，议事会成员、社区工作人员有“三事分流”和“诉求统计”。
// 长辈模式（utils/elder.js）只有三个大按钮（反映问题、开会、投票）、消息和“我的信息”（在那里关掉）。
// 页面用 Component 构造器编写，生命周期（onShow 等）写在 methods 里。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const auth = require('../../utils/auth')
const { formatRoles, formatHouseAddress } = require('../../utils/format')
const matters = require('../../utils/matters')
const households = require('../../utils/households')

const WORK_PAGE_SIZE = 20

function confirmLogout() {
  return new Promise(resolve => {
    wx.showModal({
      title: '退出登录',
      content: '确定要退出登录吗？',
      confirmText: '退出',
      cancelText: '取消',
      success: res => resolve(Boolean(res && res.confirm)),
      fail: () => resolve(false),
    })
  })
}

Component({
  behaviors: [elder.behavior],
  data: {
    loaded: false,
    loadError: '',
    name: '',
    phone: '',
    household: null,
    houseAddress: '',
    roles: [],
    unread: 0,
    unreadText: '',
    canTriage: false,
    hasWorkList: false,
    workCountText: '',
    canSeeHouseholds: false,
  },

  methods: {
    onShow() {
      if (!auth.isLoggedIn()) {
        wx.reLaunch({ url: '/pages/login/login' })
        return Promise.resolve()
      }
      this.applyTextSize() // 从“我的信息”回来时字号、长辈模式可能变了
      const cached = api.getUser()
      if (cached) this.showUser(cached)
      return this.loadAll()
    },

    onPullDownRefresh() {
      return this.loadAll().then(() => wx.stopPullDownRefresh())
    },

    // 先读 /me；登录有效时再读未读消息数和待办数
    loadAll() {
      return this.loadMe().then(ok => (ok ? Promise.all([this.loadUnread(), this.loadWorkCount()]) : undefined))
    },

    async loadMe() {
      try {
        const user = await api.get('/me')
        api.setUser(user)
        this.applyTextSize() // 社区可能刚为这户打开或关掉了长辈模式
        this.showUser(user)
        this.setData({ loadError: '' })
        return true
      } catch (err) {
        if (err.status === 401) {
          wx.reLaunch({ url: '/pages/login/login' })
          return false
        }
        this.setData({ loadError: err.message })
        return false
      }
    },

    // 未读消息数只是个提示：失败时不打扰用户，保留原来的数字
    async loadUnread() {
      try {
        const res = await api.get('/notifications/unread-count', undefined, { silent: true })
        const unread = Math.max(0, Number(res && res.unread) || 0)
        this.setData({ unread, unreadText: unread > 99 ? '99+' : String(unread) })
      } catch (err) {
        // 静默
      }
    },

    // 待办数：读第一页，还有下一页时写“20+”；和未读数一样，失败时不打扰用户
    async loadWorkCount() {
      if (!this.data.hasWorkList) return
      try {
        const res = await api.get('/matters/assigned', { limit: WORK_PAGE_SIZE }, { silent: true })
        const count = ((res && res.items) || []).length
        this.setData({ workCountText: res && res.next_cursor ? `${WORK_PAGE_SIZE}+` : String(count) })
      } catch (err) {
        // 静默
      }
    },

    showUser(user) {
      this.setData({
        loaded: true,
        name: user.name || '',
        phone: user.phone || '',
        household: user.household || null,
        houseAddress: formatHouseAddress(user.household),
        roles: formatRoles(user.roles),
        canTriage: matters.canTriage(user) && Boolean(matters.triageCommunityId(user)),
        hasWorkList: matters.hasWorkList(user),
        canSeeHouseholds: households.canLookAfter(user),
      })
    },

    goInbox() {
      wx.navigateTo({ url: '/pages/notifications/notifications' })
    },

    goNewMatter() {
      wx.navigateTo({ url: '/pages/matter-new/matter-new' })
    },

    goMyMatters() {
      wx.navigateTo({ url: '/pages/matters/matters' })
    },

    goMeetings() {
      wx.navigateTo({ url: '/pages/meetings/meetings' })
    },

    goPolls() {
      wx.navigateTo({ url: '/pages/polls/polls' })
    },

    goMoney() {
      wx.navigateTo({ url: '/pages/money/index' })
    },

    goTriage() {
      wx.navigateTo({ url: '/pages/triage/triage' })
    },

    goWork() {
      wx.navigateTo({ url: '/pages/work/work' })
    },

    goHouseholds() {
      wx.navigateTo({ url: '/pages/households/households' })
    },

    goStats() {
      wx.navigateTo({ url: '/pages/stats/stats' })
    },

    goProfile() {
      wx.navigateTo({ url: '/pages/profile/profile' })
    },

    goPrivacy() {
      wx.navigateTo({ url: '/pages/privacy/privacy' })
    },

    goJoin() {
      wx.navigateTo({ url: '/pages/join/join' })
    },

    async onLogout() {
      if (!(await confirmLogout())) return
      await auth.logout()
      wx.reLaunch({ url: '/pages/login/login' })
    },
  },
})
