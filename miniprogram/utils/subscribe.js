// 微信订阅消息授权（“开启微信提醒”）。
//
// 微信的订阅消息是“一次同意 = 后端可以发一条”，后端记着每种提醒还剩几次
// （GET /notifications/consents 的 remaining）。本模块弹出微信的授权框，
// 再把用户的选择报给后端（POST /notifications/consents，带幂等键）。
//
// 用法（只能在用户点击的处理函数里调用，微信要求由点击触发授权框）：
//
//   // onShow 时先把模板列表取好，点击时直接传进去
//   this._consents = await subscribe.loadConsents()
//   ...
//   onTapRemind() {
//     // 点击处理函数里第一件事就调用，前面不要有 await / setTimeout / 网络请求，
//     // 否则真机上会报 “can only be invoked by user TAP gesture”
//     subscribe.requestConsents(['matter_status'], this._consents).then(list => ...)
//   }
//
// 行为：
// - 只请求 kinds 里的提醒；后端没配置模板（开发环境常见）就不调用微信，直接返回。
// - 一次点击只弹一次框：微信一次最多 3 个模板，多出来的等下一次点击（第二次弹框已经在 await 之后，
//   微信会拒绝）。先问还没有次数（remaining 为 0）的，其中这次打开小程序还没问过的排在前面。
// - 用户取消、关掉了订阅总开关（errCode 20004）等微信失败：不抛错，不上报。
// - 上报后端失败会 reject（api.js 已弹出中文提示），调用方 catch 即可。
// - 返回（Promise）后端最新的模板列表 [{kind, label, template_id, remaining}]；
//   什么都没上报时返回原列表。
// test/subscribe-tap.test.js 扫描源码：弹框（wx.requestSubscribeMessage、requestConsents）之前不能有 await。
const api = require('./api')

// 后端的全部提醒种类
const ALL_KINDS = ['matter_status', 'meeting_invitation', 'meeting_reminder', 'poll_opened', 'poll_closing', 'poll_result']

// 微信一次授权最多的模板数
const MAX_PER_REQUEST = 3

const RESULT_VALUES = ['accept', 'reject', 'ban', 'filter']

function loadConsents(opts = {}) {
  return api.get('/notifications/consents', undefined, opts).then(res => (res && res.items) || [])
}

// 这次打开小程序已经问过的模板：次数都是 0 时，先问还没问过的，下一次点击才轮到其余的
const askedTemplates = new Set()

// 弹一次授权框；成功返回 {模板id: 'accept'|...}（去掉 errMsg），失败返回 null
function askWechat(tmplIds) {
  return new Promise(resolve => {
    wx.requestSubscribeMessage({
      tmplIds,
      success: res => {
        const results = {}
        tmplIds.forEach(id => {
          if (res && RESULT_VALUES.includes(res[id])) results[id] = res[id]
        })
        resolve(results)
      },
      fail: () => resolve(null),
    })
  })
}

// 这次点击要问的模板（最多 MAX_PER_REQUEST 个）：没有次数的在前，其中没问过的更前
function nextBatch(kinds, templates) {
  const rank = t => (t.remaining === 0 ? 0 : 2) + (askedTemplates.has(t.template_id) ? 1 : 0)
  const ordered = templates.filter(t => kinds.includes(t.kind) && t.template_id).sort((a, b) => rank(a) - rank(b))
  return Array.from(new Set(ordered.map(t => t.template_id))).slice(0, MAX_PER_REQUEST)
}

function requestConsents(kinds, templates) {
  const tmplIds = nextBatch(kinds, templates)
  if (!tmplIds.length || typeof wx.requestSubscribeMessage !== 'function') return Promise.resolve(templates)
  tmplIds.forEach(id => askedTemplates.add(id))
  return askWechat(tmplIds).then(async results => {
    if (!results || !Object.keys(results).length) return templates
    const res = await api.post('/notifications/consents', { results }, { idempotencyKey: api.newIdempotencyKey() })
    return (res && res.items) || templates
  })
}

module.exports = {
  ALL_KINDS,
  MAX_PER_REQUEST,
  loadConsents,
  requestConsents,
}
