// 首页：显示 GET /me 的结果（称呼、住户、身份），可以去绑定住户或退出登录。
// 页面用 Component 构造器编写，生命周期（onShow 等）写在 methods 里。
const api = require('../../utils/api')
const auth = require('../../utils/auth')
const { formatRoles, formatHouseAddress } = require('../../utils/format')

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
  data: {
    loaded: false,
    loadError: '',
    name: '',
    phone: '',
    household: null,
    houseAddress: '',
    roles: [],
  },

  methods: {
    onShow() {
      if (!auth.isLoggedIn()) {
        wx.reLaunch({ url: '/pages/login/login' })
        return Promise.resolve()
      }
      const cached = api.getUser()
      if (cached) this.showUser(cached)
      return this.loadMe()
    },

    onPullDownRefresh() {
      return this.loadMe().then(() => wx.stopPullDownRefresh())
    },

    async loadMe() {
      try {
        const user = await api.get('/me')
        api.setUser(user)
        this.showUser(user)
        this.setData({ loadError: '' })
      } catch (err) {
        if (err.status === 401) {
          wx.reLaunch({ url: '/pages/login/login' })
          return
        }
        this.setData({ loadError: err.message })
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
      })
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
