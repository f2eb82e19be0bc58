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
// 不传模板列表时会先请求 GET /notifications/consents 再弹框；开发者工具里可以，
// 但真机上请求之后可能已不算“点击触发”，所以页面上最好先取好列表。
//
// 行为：
// - 只请求 kinds 里的提醒；后端没配置模板（开发环境常见）就不调用微信，直接返回。
// - 微信一次最多 3 个模板，超过就分几次弹框；还没有次数（remaining 为 0）的排在前面。
// - 用户取消、关掉了订阅总开关（errCode 20004）等微信失败：不抛错，这一批不上报。
// - 读取或上报后端失败会 reject（api.js 已弹出中文提示），调用方 catch 即可。
// - 返回（Promise）后端最新的模板列表 [{kind, label, template_id, remaining}]；
//   什么都没上报时返回原列表。
const api = require('./api')

// 后端的全部提醒种类
const ALL_KINDS = ['matter_status', 'meeting_invitation', 'meeting_reminder', 'poll_opened', 'poll_closing', 'poll_result']

// 微信一次授权最多的模板数
const MAX_PER_REQUEST = 3

const RESULT_VALUES = ['accept', 'reject', 'ban', 'filter']

function loadConsents(opts = {}) {
  return api.get('/notifications/consents', undefined, opts).then(res => (res && res.items) || [])
}

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

function requestConsents(kinds, templates) {
  // 有列表时不经过任何 await，第一次 wx.requestSubscribeMessage 仍在点击的同步调用里
  if (templates) return askAndReport(kinds, templates)
  return loadConsents().then(list => askAndReport(kinds, list))
}

async function askAndReport(kinds, templates) {
  const wanted = templates.filter(t => kinds.includes(t.kind) && t.template_id)
  // 还没有次数的先问：用户只答了第一批时，下次点击会先问剩下的
  const ordered = wanted.filter(t => t.remaining === 0).concat(wanted.filter(t => t.remaining !== 0))
  const tmplIds = Array.from(new Set(ordered.map(t => t.template_id)))
  if (!tmplIds.length || typeof wx.requestSubscribeMessage !== 'function') return templates

  const results = {}
  for (let i = 0; i < tmplIds.length; i += MAX_PER_REQUEST) {
    const answer = await askWechat(tmplIds.slice(i, i + MAX_PER_REQUEST))
    if (answer) Object.assign(results, answer)
  }
  if (!Object.keys(results).length) return templates

  const res = await api.post('/notifications/consents', { results }, { idempotencyKey: api.newIdempotencyKey() })
  return (res && res.items) || templates
}

module.exports = {
  ALL_KINDS,
  MAX_PER_REQUEST,
  loadConsents,
  requestConsents,
}
