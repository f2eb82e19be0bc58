// 院坝后端接口的唯一出口：所有页面只通过本模块访问后端。
//
// 用法（路径一律写成以 '/' 开头的字面量或模板字符串，不含 /api/v1 前缀；
// test/contract.test.js 会扫描源码里的这些调用，核对后端 OpenAPI 文档）：
//   api.get('/me')
//   api.post('/households/join', { code }, { idempotencyKey })
//   api.patch('/me', { name })
//   api.del(`/something/${id}`)
//
// 行为：
// - 每个请求都带 `Authorization: Bearer <token>`（token 存在微信本地存储里）。
// - 收到 401（/auth/login 本身除外）：静默重新登录一次（wx.login → POST /auth/login），
//   再把原请求重发一次；重发后仍是 401 就放弃并清掉本地登录状态。
// - 网络失败（wx.request 的 fail 回调，如超时、没信号）：稍等后最多再试 2 次，
//   仍失败就报“网络不给力，请稍后再试”。POST 只有带了 idempotencyKey 才自动重试，
//   因为没有幂等键的 POST 重发可能在后端产生重复数据。
// - opts.idempotencyKey：加上 `Idempotency-Key` 请求头；自动重试时沿用同一个键。
// - 出错时 reject 一个 Error（带 code / status / message / details），并用
//   wx.showToast 显示后端给的中文说明；opts.silent 为 true 时不弹提示。

const config = require('../config')

const TOKEN_KEY = 'yb_token'
const TOKEN_EXPIRES_KEY = 'yb_token_expires_at'
const USER_KEY = 'yb_user'
const LOGIN_PATH = '/auth/login'

const NETWORK_ERROR_MESSAGE = '网络不给力，请稍后再试'
const SERVER_ERROR_MESSAGE = '服务暂时不可用，请稍后再试'
const DEFAULT_ERROR_MESSAGE = '操作没有成功，请稍后再试'
const STATUS_MESSAGES = {
  400: '填写的内容有误，请检查后再试',
  401: '登录已失效，请重新登录',
  403: '没有权限',
  404: '内容不存在',
  409: '操作冲突，请刷新后再试',
  410: '内容已失效',
  422: '填写的内容有误，请检查后再试',
  429: '操作太频繁，请稍后再试',
}

function fallbackMessage(status) {
  if (status >= 500) return SERVER_ERROR_MESSAGE
  return STATUS_MESSAGES[status] || DEFAULT_ERROR_MESSAGE
}

// ---------- 本地登录状态 ----------

function getToken() {
  return wx.getStorageSync(TOKEN_KEY) || ''
}

function getTokenExpiresAt() {
  return wx.getStorageSync(TOKEN_EXPIRES_KEY) || ''
}

function getUser() {
  return wx.getStorageSync(USER_KEY) || null
}

function setUser(user) {
  wx.setStorageSync(USER_KEY, user || null)
}

// 保存 /auth/login 或 /auth/refresh 的返回：{ token, expires_at, user }
function saveSession(session) {
  wx.setStorageSync(TOKEN_KEY, session.token)
  wx.setStorageSync(TOKEN_EXPIRES_KEY, session.expires_at || '')
  setUser(session.user)
}

function clearSession() {
  wx.removeStorageSync(TOKEN_KEY)
  wx.removeStorageSync(TOKEN_EXPIRES_KEY)
  wx.removeStorageSync(USER_KEY)
}

// ---------- 小工具 ----------

// 幂等键：时间戳 + 随机串。同一次“提交”用同一个键，换一次提交换一个键。
function newIdempotencyKey() {
  const rand = () => Math.random().toString(36).slice(2, 10)
  return `${Date.now().toString(36)}-${rand()}${rand()}`
}

// 一份草稿一个幂等键：内容没变就沿用（重试、再点一次、重新打开小程序都不会重复提交），
// 内容改了就换新键（后端对同一个键、不同内容会答 422）。holder 上记着 _key 和 _keySig。
function keyForBody(holder, body) {
  const sig = JSON.stringify(body)
  if (!holder._key || holder._keySig !== sig) {
    holder._key = newIdempotencyKey()
    holder._keySig = sig
  }
  return holder._key
}

function buildQuery(query) {
  if (!query) return ''
  const parts = Object.keys(query)
    .filter(key => query[key] !== undefined && query[key] !== null)
    .map(key => `${encodeURIComponent(key)}=${encodeURIComponent(query[key])}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

function makeError(fields) {
  const err = new Error(fields.message)
  err.code = fields.code
  err.status = fields.status
  err.details = fields.details || {}
  return err
}

function showError(message) {
  wx.showToast({ title: message, icon: 'none', duration: 3000 })
}

// 把一个非 2xx 响应变成 Error。后端错误体：{"error": {"code", "message", "details"}}
function responseError(res) {
  const status = res.statusCode
  const body = res.data && typeof res.data === 'object' ? res.data.error : null
  return makeError({
    status,
    code: (body && body.code) || `http_${status}`,
    message: (body && body.message) || fallbackMessage(status),
    details: body && body.details,
  })
}

// ---------- 发送 ----------

function wxRequestOnce(method, url, data, header) {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      method,
      data,
      header,
      timeout: config.REQUEST_TIMEOUT_MS,
      dataType: 'json',
      success: resolve,
      fail: reject,
    })
  })
}

// 网络层失败（没有拿到任何 HTTP 响应）时按 RETRY_DELAYS_MS 重试。
async function sendWithNetworkRetry(method, url, data, buildHeader, canRetry) {
  const delays = canRetry ? config.RETRY_DELAYS_MS : []
  for (let attempt = 0; ; attempt++) {
    try {
      // 每次都重新组装请求头，保证用的是当前最新的 token
      return await wxRequestOnce(method, url, data, buildHeader())
    } catch (failure) {
      if (attempt >= delays.length) {
        throw makeError({
          status: 0,
          code: 'network_error',
          message: NETWORK_ERROR_MESSAGE,
          details: { errMsg: (failure && failure.errMsg) || '' },
        })
      }
      await sleep(delays[attempt])
    }
  }
}

// 多个请求同时遇到 401 时只重新登录一次。
let reloginPromise = null
function relogin() {
  if (!reloginPromise) {
    // 延迟 require，避免 api.js 与 auth.js 互相引用时的加载顺序问题
    const auth = require('./auth')
    reloginPromise = auth.login({ silent: true }).then(
      result => {
        reloginPromise = null
        return result
      },
      err => {
        reloginPromise = null
        throw err
      },
    )
  }
  return reloginPromise
}

async function request(method, path, data, opts = {}) {
  if (typeof path !== 'string' || path.charAt(0) !== '/') {
    throw new Error(`api path must start with "/": ${path}`)
  }
  const url = config.API_BASE + path + buildQuery(opts.query)
  const body = method === 'GET' || method === 'DELETE' ? undefined : data === undefined ? {} : data
  const canRetry = method !== 'POST' || Boolean(opts.idempotencyKey)
  const buildHeader = () => {
    const header = { 'Content-Type': 'application/json' }
    const token = getToken()
    if (token) header.Authorization = `Bearer ${token}`
    if (opts.idempotencyKey) header['Idempotency-Key'] = opts.idempotencyKey
    return header
  }
  const send = () => sendWithNetworkRetry(method, url, body, buildHeader, canRetry)

  try {
    let res = await send()
    if (res.statusCode === 401 && path !== LOGIN_PATH && !opts.noRelogin) {
      try {
        await relogin()
      } catch (loginErr) {
        // 网络或服务故障时如实告诉用户；其余情况按“登录失效”处理
        if (loginErr.status === 0 || loginErr.status === 429 || loginErr.status >= 500) throw loginErr
        clearSession()
        throw responseError(res)
      }
      res = await send() // 只重发一次
      if (res.statusCode === 401) clearSession()
    }
    if (res.statusCode >= 200 && res.statusCode < 300) {
      return res.data === '' || res.data === undefined ? null : res.data
    }
    throw responseError(res)
  } catch (err) {
    if (!opts.silent) showError(err.message || DEFAULT_ERROR_MESSAGE)
    throw err
  }
}

const api = {
  get: (path, query, opts = {}) => request('GET', path, undefined, Object.assign({}, opts, { query })),
  post: (path, data, opts) => request('POST', path, data, opts),
  patch: (path, data, opts) => request('PATCH', path, data, opts),
  put: (path, data, opts) => request('PUT', path, data, opts),
  del: (path, opts) => request('DELETE', path, undefined, opts),
  request,
  getToken,
  getTokenExpiresAt,
  getUser,
  setUser,
  saveSession,
  clearSession,
  newIdempotencyKey,
  keyForBody,
  NETWORK_ERROR_MESSAGE,
  fallbackMessage,
  // 供 utils/upload.js 复用（上传走 wx.uploadFile，不经过 request）
  relogin,
  responseError,
  makeError,
  showError,
}

module.exports = api
