// 登录页。页面用 Component 构造器编写（微信官方支持的写法），
// 这样 miniprogram-simulate 可以直接加载本页面做测试；页面生命周期写在 methods 里。
const auth = require('../../utils/auth')

Component({
  data: {
    loading: false,
    errorMessage: '',
  },

  methods: {
    async onLogin() {
      if (this.data.loading) return
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
