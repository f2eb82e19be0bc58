// 登录页。页面用 Component 构造器编写（微信官方支持的写法），
// 这样 miniprogram-simulate 可以直接加载本页面做测试；页面生命周期写在 methods 里。
//
// 登录前先同意隐私政策：onLoad 读 GET /privacy-notice；本机同意过的不是这一版（或没同意过）就显示政策全文
// 和“同意并继续”，同意后记下版本再登录。读不到政策时显示“重新加载”，不能跳过同意直接登录。
const auth = require('../../utils/auth')
const privacy = require('../../utils/privacy')

const NOTICE_LOAD_FAILED = '隐私政策没有加载出来，请检查网络后重新加载'

Component({
  data: {
    loading: false,
    errorMessage: '',
    noticeLoading: true,
    noticeError: '',
    notice: null, // { version, title, sections }
    consented: false, // 本机已同意当前这一版
  },

  methods: {
    onLoad() {
      return this.loadNotice()
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

    // “同意并继续”：记下同意的版本，接着登录
    onAgree() {
      const notice = this.data.notice
      if (!notice || !notice.version || this.data.loading) return undefined
      privacy.saveConsent(notice.version)
      this.setData({ consented: true })
      return this.onLogin()
    },

    async onLogin() {
      if (this.data.loading) return
      // 没同意当前版本的隐私政策不能登录
      if (!this.data.notice || !privacy.hasConsented(this.data.notice.version)) return
      this.setData({ loading: true, errorMessage: '' })
      try {
        const session = await auth.login({ silent: true })
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
