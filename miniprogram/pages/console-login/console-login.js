// 社区工作台扫码登录的确认页：电脑上的工作台显示一个小程序码，工作人员用微信“扫一扫”扫它，
// 微信打开本页，query.scene 是登录码。先告诉后端“扫到了”（POST /auth/console-logins/{id}/scan），
// 把后端说的是哪台电脑（浏览器、网络地址）写给本人看，本人点“确认登录”（…/confirm）电脑才登录；
// 点“不是我，取消”（…/refuse）电脑上显示已拒绝。没有职务的居民（may_confirm 为 false）只能取消。
// 还没登录的先悄悄用微信登录一次。页面用 Component 构造器编写，生命周期写在 methods 里。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const auth = require('../../utils/auth')
const scene = require('../../utils/scene')
const { formatMeetingTime } = require('../../utils/format')

Component({
  behaviors: [elder.behavior],
  data: {
    status: 'working', // working / ask / confirmed / refused / failed / login
    message: '',
    browser: '',
    address: '',
    expiry: '',
    mayConfirm: false,
    busy: false,
  },

  methods: {
    onLoad(query) {
      this._id = scene.fromQuery(query)
      return this.scan()
    },

    async scan() {
      if (!this._id) {
        this.setData({ status: 'failed', message: '这不是社区工作台的登录码，请扫电脑屏幕上的登录码' })
        return
      }
      this.setData({ status: 'working', message: '' })
      if (!(await auth.signInQuietly())) {
        this.setData({ status: 'login', message: '请先登录院坝，再扫一次电脑上的登录码' })
        return
      }
      try {
        this.show(await api.post(`/auth/console-logins/${this._id}/scan`, undefined, { silent: true }))
      } catch (err) {
        this.setData({ status: 'failed', message: err.message || '扫码没有成功' })
      }
    },

    show(login) {
      this.setData({
        status: { scanned: 'ask', confirmed: 'confirmed', refused: 'refused' }[login.status] || 'failed',
        browser: login.browser,
        address: login.address,
        expiry: formatMeetingTime(login.expires_at),
        mayConfirm: login.may_confirm,
      })
    },

    // 确认或取消：request 发出那个请求，后端答的新状态写到页面上
    async answer(request) {
      if (this.data.busy) return
      this.setData({ busy: true })
      try {
        this.show(await request())
      } catch (err) {
        this.setData({ status: 'failed', message: err.message || '没有成功，请在电脑上刷新后重新扫码' })
      } finally {
        this.setData({ busy: false })
      }
    },

    onConfirm() {
      return this.answer(() => api.post(`/auth/console-logins/${this._id}/confirm`, undefined, { silent: true }))
    },

    onRefuse() {
      return this.answer(() => api.post(`/auth/console-logins/${this._id}/refuse`, undefined, { silent: true }))
    },

    retry() {
      return this.scan()
    },

    goLogin() {
      wx.reLaunch({ url: '/pages/login/login' })
    },

    goHome() {
      wx.reLaunch({ url: '/pages/index/index' })
    },
  },
})
