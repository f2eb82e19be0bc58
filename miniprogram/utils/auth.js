// 登录、续期、退出。登录状态（token、用户信息）保存在微信本地存储里，由 api.js 管理。
//
// 开发环境（`make run`，后端没配微信 AppID）不认 wx.login 的 code，只认 `dev:<登录名>`：
// 登录页从 GET /auth/dev-logins 读到演示身份时让开发者选一个，用 login({ devCode }) 登录，
// 这个 code 记在本机（DEV_CODE_KEY），之后 401 时的静默重新登录也用它；用微信登录时清掉。
const api = require('./api')

const WX_LOGIN_FAILED_MESSAGE = '微信登录没有成功，请稍后再试'
const DEV_CODE_KEY = 'yb_dev_login_code'
// token 剩余有效期少于这个时间就在启动时续期
const REFRESH_WITHIN_MS = 24 * 60 * 60 * 1000

function wxLoginCode() {
  return new Promise((resolve, reject) => {
    const failed = errMsg => {
      const err = new Error(WX_LOGIN_FAILED_MESSAGE)
      err.code = 'wx_login_failed'
      err.status = 0
      err.details = { errMsg: errMsg || '' }
      reject(err)
    }
    wx.login({
      timeout: 10000,
      success: res => (res && res.code ? resolve(res.code) : failed(res && res.errMsg)),
      fail: res => failed(res && res.errMsg),
    })
  })
}

// wx.login → POST /auth/login {code} → 保存 token 和用户信息。
// opts.devCode（开发环境选的演示身份 `dev:<登录名>`）：不调 wx.login，用它登录并记下。
// 返回 { token, expires_at, user }。
async function login(opts = {}) {
  if (opts.devCode) wx.setStorageSync(DEV_CODE_KEY, opts.devCode)
  let code = wx.getStorageSync(DEV_CODE_KEY)
  if (!code) {
    try {
      code = await wxLoginCode()
    } catch (err) {
      if (!opts.silent) wx.showToast({ title: err.message, icon: 'none', duration: 3000 })
      throw err
    }
  }
  const session = await api.post('/auth/login', { code }, { silent: opts.silent })
  api.saveSession(session)
  return session
}

// 用微信登录（登录页的“微信登录”）：忘掉开发环境选过的演示身份
function wechatLogin(opts = {}) {
  wx.removeStorageSync(DEV_CODE_KEY)
  return login(opts)
}

// 开发环境可选的演示身份 [{code, name, roles}]（GET /auth/dev-logins，不用登录）。
// 后端没开开发登录（生产环境答 404）或读不到时是 []，页面就只有微信登录。
function devLogins() {
  return api.get('/auth/dev-logins', undefined, { silent: true, noRelogin: true }).then(res => (res && res.items) || [], () => [])
}

// 用当前 token 换一个新 token。
async function refresh(opts = {}) {
  const session = await api.post('/auth/refresh', undefined, { silent: opts.silent })
  api.saveSession(session)
  return session
}

// token 快过期时续期；失败不打扰用户（过期后 api.js 会自动重新登录）。
async function refreshIfExpiring(now = Date.now()) {
  const expiresAt = Date.parse(api.getTokenExpiresAt())
  if (!api.getToken() || Number.isNaN(expiresAt)) return false
  if (expiresAt - now > REFRESH_WITHIN_MS || expiresAt <= now) return false
  try {
    await refresh({ silent: true })
    return true
  } catch (err) {
    return false
  }
}

// 通知后端作废 token，然后清掉本地登录状态（后端出错也照样清）。
async function logout() {
  try {
    if (api.getToken()) {
      await api.post('/auth/logout', undefined, { silent: true, noRelogin: true })
    }
  } catch (err) {
    // 退出登录不因网络问题卡住用户
  } finally {
    api.clearSession()
  }
}

// 当前用户（/me）：本地缓存里有 field（如 'roles'、'household'）就直接用，
// 没有时静默读一次 GET /me 并存起来。读不到时 reject。
async function currentUser(field) {
  const cached = api.getUser()
  if (cached && cached[field]) return cached
  const user = await api.get('/me', undefined, { silent: true })
  api.setUser(user)
  return user
}

// 退出所有设备（这部手机、别的手机、电脑上的社区工作台）：后端结束这个人的全部登录，再清掉本机的。
// 后端没答应时（网络等）reject，本机仍是登录状态，用户可以再试。
async function logoutEverywhere() {
  await api.post('/auth/logout-everywhere', undefined, { noRelogin: true })
  api.clearSession()
}

// 扫码打开的落地页（会议签到、工作台登录确认）用：已登录就直接用；没登录时悄悄用微信登录一次。
// 返回是否登录成功（不成功时页面请用户去登录页）。
async function signInQuietly() {
  if (api.getToken()) return true
  try {
    await login({ silent: true })
    return true
  } catch (err) {
    return false
  }
}

function isLoggedIn() {
  return Boolean(api.getToken())
}

// 要登录才能用的页面进页面时先调：没登录就去登录页，返回 false
function requireLogin() {
  if (api.getToken()) return true
  wx.reLaunch({ url: '/pages/login/login' })
  return false
}

module.exports = {
  DEV_CODE_KEY,
  login,
  wechatLogin,
  devLogins,
  refresh,
  refreshIfExpiring,
  logout,
  logoutEverywhere,
  signInQuietly,
  isLoggedIn,
  requireLogin,
  currentUser,
}
