const auth = require('./utils/auth')
const privacy = require('./utils/privacy')

App({
  onLaunch() {
    // 微信要用户同意隐私政策时，由当前页面的 <privacy-popup> 来问
    privacy.watchWechatAuthorization()
  },

  onShow() {
    // token 快过期时悄悄续期；已过期的由 utils/api.js 在收到 401 时自动重新登录
    auth.refreshIfExpiring()
  },
})
