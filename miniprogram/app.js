const auth = require('./utils/auth')

App({
  onShow() {
    // token 快过期时悄悄续期；已过期的由 utils/api.js 在收到 401 时自动重新登录
    auth.refreshIfExpiring()
  },
})
