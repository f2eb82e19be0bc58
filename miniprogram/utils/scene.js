// 小程序码的 scene：后端生成小程序码（getwxacodeunlimit）时给的不超过 32 个字符的参数。
// 会议签到码（pages/meeting/checkin）和社区工作台的登录码（pages/console-login）都用它。
const SCENE_MAX = 32

function safeDecode(text) {
  try {
    return decodeURIComponent(text)
  } catch (err) {
    return text
  }
}

function sceneIn(text) {
  const m = /(?:^|[?&#])scene=([^&#]*)/.exec(text || '')
  return m ? safeDecode(safeDecode(m[1])).trim() : ''
}

// wx.scanCode 的结果 → 小程序码（如签到码）的 scene。
// 扫小程序码时结果在 res.path（如 'pages/meeting/checkin?scene=1f-2b5c3-a1b2c3d4e5f6'，scene 是 URL 编码过的，
// 有时整段 path 都编码过），res.result 不可靠；扫普通二维码时在 res.result（可能就是 scene，也可能是带 scene= 的链接）。
// 认不出来时返回空串。
function fromScan(res) {
  if (!res) return ''
  const path = String(res.path || '')
  const fromPath = sceneIn(path) || sceneIn(safeDecode(path))
  if (fromPath) return fromPath.length <= SCENE_MAX ? fromPath : ''
  const result = String(res.result || '').trim()
  const fromResult = sceneIn(result) || sceneIn(safeDecode(result)) || result
  return fromResult && fromResult.length <= SCENE_MAX && !/[\s/?=]/.test(fromResult) ? fromResult : ''
}

// 微信“扫一扫”扫小程序码打开落地页（签到页、工作台登录确认页）时，onLoad 的 query.scene（URL 编码过）→ scene
function fromQuery(query) {
  const scene = safeDecode(safeDecode(String((query && query.scene) || ''))).trim()
  return scene && scene.length <= SCENE_MAX && !/[\s/?=&]/.test(scene) ? scene : ''
}

module.exports = { SCENE_MAX, fromScan, fromQuery }
