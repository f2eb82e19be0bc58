// 字号和长辈模式（适老化）。
//
// 字号跟着微信“我 → 设置 → 通用 → 字体大小”（关怀模式也是调它）走：wx.getAppBaseInfo 的
// fontSizeScaleFactor 是用户字号除以标准字号（iOS 17px，Android 16px）。居民还可以在“我的信息”里
// 再放大一档或两档。所有 WXSS 的长度都用 rem 写（标准字号下 1rem = 16px = 375 宽屏幕上的 32rpx），
// 每个页面用 <page-meta root-font-size="{{rootFontSize}}"> 把根字号设成这里算出的值，整页一起放大。
// rpx 只跟屏幕宽度走、不跟字号走，所以样式里不用 rpx。
//
// 长辈模式：根字号再乘 ELDER_FACTOR（标准字号下最小的字 0.875rem 也有 18px 以上），页面最外层加
// class "elder"：app.wxss 里 .elder 下每个能点的东西至少 60×60px（工信部《互联网应用适老化通用设计
// 规范》），首页换成三个大按钮（反映问题、开会、投票）和消息。
// 开不开：这部手机上居民自己选过的（本机 yb_elder_mode：'on' / 'off'）优先；没选过就看 /me 里住户的
// elder_mode（楼栋长、网格员、社区工作人员在“住户”页为这户设的，PUT /households/{id}/elder-mode）。
const api = require('./api')

const BASE_PX = 16
const ELDER_FACTOR = 1.3
// 居民自己再放大：标准、大、特大
const TEXT_STEPS = [
  { label: '标准', factor: 1 },
  { label: '大', factor: 1.15 },
  { label: '特大', factor: 1.3 },
]
const MODE_KEY = 'yb_elder_mode'
const STEP_KEY = 'yb_text_step'

// 微信的字体缩放倍率；读不到时按标准字号
function wechatScale() {
  let info = null
  try {
    info = typeof wx.getAppBaseInfo === 'function' ? wx.getAppBaseInfo() : wx.getSystemInfoSync()
  } catch (err) {
    info = null
  }
  const factor = Number(info && info.fontSizeScaleFactor)
  return factor > 0 ? factor : 1
}

// 本机选过的：true / false；没选过：null
function localChoice() {
  const saved = wx.getStorageSync(MODE_KEY)
  if (saved === 'on') return true
  if (saved === 'off') return false
  return null
}

function isOn(user) {
  const local = localChoice()
  if (local !== null) return local
  return Boolean(user && user.household && user.household.elder_mode)
}

function textStep() {
  const step = Number(wx.getStorageSync(STEP_KEY)) || 0
  return step > 0 && step < TEXT_STEPS.length ? step : 0
}

function rootFontPx(user) {
  const factor = wechatScale() * (isOn(user) ? ELDER_FACTOR : 1) * TEXT_STEPS[textStep()].factor
  return Math.round(BASE_PX * factor * 100) / 100
}

// 页面 data 里用的：elder（最外层 class、首页换版）、rootFontSize（page-meta）、textStep（“我的信息”里选中的一档）
function pageState(user) {
  return { elder: isOn(user), rootFontSize: `${rootFontPx(user)}px`, textStep: textStep() }
}

// 居民在这部手机上打开或关掉长辈模式
function setMode(on) {
  wx.setStorageSync(MODE_KEY, on ? 'on' : 'off')
}

function setTextStep(step) {
  wx.setStorageSync(STEP_KEY, String(step))
}

// 每个页面都用：进页面时按本机缓存的用户算好字号；设置变了的页面（首页从“我的信息”回来）调 applyTextSize()
const behavior = Behavior({
  data: { elder: false, rootFontSize: `${BASE_PX}px`, textStep: 0 },
  lifetimes: {
    attached() {
      this.applyTextSize()
    },
  },
  methods: {
    applyTextSize() {
      this.setData(pageState(api.getUser()))
    },
  },
})

module.exports = { ELDER_FACTOR, TEXT_STEPS, MODE_KEY, rootFontPx, setMode, setTextStep, behavior }
