// 登录页。页面用 Component 构造器编写（微信官方支持的写法），
// 这样 miniprogram-simulate 可以直接加载本页面做测试；页面生命周期写在 methods 里。
//
// 登录前先同意隐私政策：onLoad 读 GET /privacy-notice；本机同意过的不是这一版（或没同意过）就显示政策全文
// 和“同意并继续”，同意后记下版本再登录。读不到政策时显示“重新加载”，不能跳过同意直接登录。
// “同意并继续”是 open-type="agreePrivacyAuthorization" 的按钮：点它同时把同意告诉微信（隐私接口才能用）。
//
// 开发环境：onLoad 同时问 GET /auth/dev-logins，后端给了演示身份时（只有开发环境给），
// 同意之后不显示“微信登录”，而是一个演示身份的选择器，选中谁就用 `dev:<登录名>` 登录。
const auth = require('../../utils/auth')
const elder = require('../../utils/elder')
const format = require('../../utils/format')
const privacy = require('../../utils/privacy')

const NOTICE_LOAD_FAILED = '隐私政策没有加载出来，请检查网络后重新加载'

// 演示身份 → 选择器的一行：“王海燕 · 社区工作人员（东海社区） · dev:staff”
function devLoginRow(person) {
  const roles = format.formatRoles(person.roles).map(r => r.text).join('、')
  return { code: person.code, label: [person.name, roles, person.code].filter(Boolean).join(' · ') }
}

Component({
  behaviors: [elder.behavior],
  data: {
    loading: false,
    errorMessage: '',
    noticeLoading: true,
    noticeError: '',
    notice: null, // { version, title, sections }
    consented: false, // 本机已同意当前这一版
    devLogins: [], // 开发环境的演示身份 [{code, label}]；生产环境是空的
  },

  methods: {
    onLoad() {
      return Promise.all([this.loadNotice(), this.loadDevLogins()])
    },

    async loadDevLogins() {
      const people = await auth.devLogins()
      this.setData({ devLogins: people.map(devLoginRow) })
    },

    async loadNotice() {
      this.setData({ noticeLoading: true, noticeError: '' })
      try {
        const notice = await privacy.loadNotice()
        this.setData({ notice, consented: privacy.hasConsented(notice.version) })
      } catch (err) {
        this.setData({ noticeError: err.status === 0 ? NOTICE_LOAD_FAILED : err.message || NOTICE_LOAD_FAILED })
      } finally {
        this.setData({ noticeLoading: false })
      }
    },

    onRetryNotice() {
      if (this.data.noticeLoading) return undefined
      return this.loadNotice()
    },

    // “同意并继续”（微信已经记下了同意）：记下同意的版本，接着微信登录；开发环境改为显示演示身份
    onAgree() {
      const notice = this.data.notice
      if (!notice || !notice.version || this.data.loading) return undefined
      privacy.saveConsent(notice.version)
      this.setData({ consented: true })
      if (this.data.devLogins.length) return undefined
      return this.onLogin()
    },

    onLogin() {
      return this.signIn(() => auth.wechatLogin({ silent: true }))
    },

    // 开发环境：选中一位演示身份就用他的 `dev:<登录名>` 登录
    onDevLoginPick(e) {
      const person = this.data.devLogins[Number(e.detail.value)]
      if (!person) return undefined
      return this.signIn(() => auth.login({ silent: true, devCode: person.code }))
    },

    async signIn(login) {
      if (this.data.loading) return
      // 没同意当前版本的隐私政策不能登录
      if (!this.data.notice || !privacy.hasConsented(this.data.notice.version)) return
      this.setData({ loading: true, errorMessage: '' })
      try {
        const session = await login()
        const user = (session && session.user) || {}
        wx.reLaunch({ url: user.household ? '/pages/index/index' : '/pages/join/join' })
      } catch (err) {
        this.setData({ errorMessage: err.message || '登录没有成功，请稍后再试' })
      } finally {
        this.setData({ loading: false })
      }
    },
  },
})
