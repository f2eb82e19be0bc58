// 隐私：隐私政策（GET /privacy-notice）、本机记下的“已同意的版本”、“下载我的信息”的摘要。
//
// - 登录前必须同意隐私政策。同意的是哪一版（后端给的 version）存在本机（CONSENT_KEY），
//   后端的版本变了就要重新同意；没同意过或读不到政策时不能登录。
// - 注销账号后清掉这条记录：以后再用微信登录是一个新账号，要重新同意。
// - 微信也要知道用户同意了（否则 wx.getLocation、wx.chooseMedia、wx.setClipboardData 这些隐私接口
//   用不了）：登录页的“同意并继续”是 open-type="agreePrivacyAuthorization" 的按钮，点它就告诉了微信。
//   微信没有这条记录时（这一版之前同意的、从“最近使用”里删过小程序的……），调隐私接口前会触发
//   wx.onNeedPrivacyAuthorization：watchWechatAuthorization（app.js 启动时调用）交给当前页面上的
//   <privacy-popup>，请用户再点一次“同意”，原来的接口再接着执行。
const api = require('./api')

const CONSENT_KEY = 'yb_privacy_consent_version'
const ERASE_CONFIRMATION = '注销账号'

// 读隐私政策（不需要登录）。不弹 toast，由页面显示“重新加载”。
async function loadNotice() {
  const notice = await api.get('/privacy-notice', undefined, { silent: true })
  return {
    version: String((notice && notice.version) || ''),
    title: (notice && notice.title) || '隐私政策',
    sections: ((notice && notice.sections) || []).map((s, i) => ({ key: i, heading: s.heading || '', text: s.text || '' })),
  }
}

function consentedVersion() {
  return wx.getStorageSync(CONSENT_KEY) || ''
}

// 本机同意过的正是这一版
function hasConsented(version) {
  return Boolean(version) && consentedVersion() === version
}

function saveConsent(version) {
  wx.setStorageSync(CONSENT_KEY, version)
}

function clearConsent() {
  wx.removeStorageSync(CONSENT_KEY)
}

// ---------- 微信的隐私授权 ----------

// 已挂上的 <privacy-popup>，最后挂上的在当前页面
const askers = []

function addAsker(asker) {
  askers.push(asker)
}

function removeAsker(asker) {
  const index = askers.indexOf(asker)
  if (index >= 0) askers.splice(index, 1)
}

// 微信要用户同意时交给当前页面的弹框；这一页没有弹框（用不到隐私接口）就答“不同意”，原接口失败而不是一直挂着。
function watchWechatAuthorization() {
  if (typeof wx.onNeedPrivacyAuthorization !== 'function') return // 基础库 2.32.3 以前没有
  wx.onNeedPrivacyAuthorization(resolve => {
    const asker = askers[askers.length - 1]
    if (asker) asker.ask(resolve)
    else resolve({ event: 'disagree' })
  })
}

// GET /me/export 里每一栏的中文名和量词（顺序就是页面上显示的顺序）
const EXPORT_SECTIONS = [
  { key: 'matters', label: '诉求', unit: '条' },
  { key: 'matter_timeline_entries', label: '诉求进展和留言', unit: '条' },
  { key: 'photos', label: '照片', unit: '张' },
  { key: 'voice_notes', label: '语音', unit: '段' },
  { key: 'meeting_replies', label: '会议回复', unit: '条' },
  { key: 'poll_participation', label: '参加表决', unit: '次' },
  { key: 'objections', label: '表决异议', unit: '条' },
  { key: 'notifications', label: '通知', unit: '条' },
  { key: 'subscription_consents', label: '微信提醒授权', unit: '项' },
  { key: 'sessions', label: '登录记录', unit: '次' },
]

// 导出结果 → [{key, label, text}]，如 { label: '诉求', text: '3 条' }
function summarizeExport(data) {
  const d = data || {}
  const rows = []
  const profile = d.profile || {}
  rows.push({ key: 'name', label: '姓名', text: profile.name || '（没有填写）' })
  rows.push({ key: 'phone', label: '电话', text: profile.phone || '（没有填写）' })
  rows.push({ key: 'household', label: '住户', text: d.household ? '已绑定' : '没有绑定' })
  EXPORT_SECTIONS.forEach(s => {
    const list = Array.isArray(d[s.key]) ? d[s.key] : []
    rows.push({ key: s.key, label: s.label, text: `${list.length} ${s.unit}` })
  })
  return rows
}

module.exports = {
  CONSENT_KEY,
  ERASE_CONFIRMATION,
  EXPORT_SECTIONS,
  loadNotice,
  consentedVersion,
  hasConsented,
  saveConsent,
  clearConsent,
  summarizeExport,
  addAsker,
  removeAsker,
  watchWechatAuthorization,
}
