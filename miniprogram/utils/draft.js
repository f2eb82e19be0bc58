// 存在本地的草稿（“我要反映”、“召集会议”共用）：跟着用户 id，也带着这份草稿的幂等键。
//
//   draft.save('yb_matter_draft', this, { title: d.title, ... })   // 每次改动都存
//   const fields = draft.load('yb_matter_draft', this, user && user.id)  // 打开页面时恢复
//   draft.clear('yb_matter_draft', this)                             // 提交成功、“清空重填”
//
// holder 是页面：它的 _key / _keySig 由 api.keyForBody 管（一份草稿一个键），
// 存盘时跟草稿一起存成 key / key_sig，恢复时放回去，这样关掉小程序重开再提交还是同一个键。
// 本地存储里的样子：{ user_id, ...fields, key, key_sig }（页面自己的字段平铺在里面，
// 所以 fields 里不要用 user_id、key、key_sig 这几个名字）。
const api = require('./api')

const RESERVED = ['user_id', 'key', 'key_sig']

function save(storageKey, holder, fields) {
  const user = api.getUser()
  wx.setStorageSync(
    storageKey,
    Object.assign({ user_id: (user && user.id) || null }, fields, {
      key: holder._key || null,
      key_sig: holder._keySig || null,
    }),
  )
}

// 读草稿：没有时返回 null；是别人的（换了微信号登录）就删掉并返回 null；
// 否则把幂等键放回 holder，返回页面的字段。userId 不知道时（null）不核对。
function load(storageKey, holder, userId) {
  const stored = wx.getStorageSync(storageKey)
  if (!stored || typeof stored !== 'object') return null
  if (userId != null && stored.user_id && stored.user_id !== userId) {
    wx.removeStorageSync(storageKey)
    return null
  }
  holder._key = stored.key || null
  holder._keySig = stored.key_sig || null
  const fields = {}
  Object.keys(stored).forEach(name => {
    if (!RESERVED.includes(name)) fields[name] = stored[name]
  })
  return fields
}

// 删掉草稿，也忘掉它的幂等键（下一份草稿用新键）
function clear(storageKey, holder) {
  wx.removeStorageSync(storageKey)
  holder._key = null
  holder._keySig = null
}

module.exports = { save, load, clear }
