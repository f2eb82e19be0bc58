// 扫码签到的落地页：居民用微信“扫一扫”（不是小程序里的“扫码签到”按钮）扫会场的签到码时，
// 微信直接打开本页（后端生成小程序码时指定的页面就是 pages/meeting/checkin），query.scene 是签到码（URL 编码过）。
// 这里 POST /meetings/checkins {scene}，成功后打开会议详情。还没登录的先悄悄用微信登录一次。
// 页面用 Component 构造器编写，生命周期（onLoad 等）写在 methods 里。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const auth = require('../../utils/auth')
const scene = require('../../utils/scene')

Component({
  behaviors: [elder.behavior],
  data: {
    status: 'working', // working / failed / login
    message: '',
  },

  methods: {
    onLoad(query) {
      this._scene = scene.fromQuery(query)
      this._key = api.newIdempotencyKey() // 重试沿用（重复签到本来也无害）
      return this.checkIn()
    },

    async checkIn() {
      if (!this._scene) {
        this.setData({ status: 'failed', message: '这不是会议签到码，请扫会场上的签到码' })
        return
      }
      this.setData({ status: 'working', message: '' })
      if (!(await auth.signInQuietly())) {
        this.setData({ status: 'login', message: '请先登录院坝，再扫一次签到码' })
        return
      }
      try {
        const meeting = await api.post('/meetings/checkins', { scene: this._scene }, { idempotencyKey: this._key, silent: true })
        wx.showToast({ title: '已签到', icon: 'success' })
        wx.redirectTo({ url: `/pages/meeting/meeting?id=${meeting.id}` })
      } catch (err) {
        this.setData({ status: 'failed', message: err.message || '签到没有成功' })
      }
    },

    retry() {
      return this.checkIn()
    },

    goLogin() {
      wx.reLaunch({ url: '/pages/login/login' })
    },

    goHome() {
      wx.reLaunch({ url: '/pages/index/index' })
    },
  },
})
