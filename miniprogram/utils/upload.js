// 照片和语音的上传：小程序里唯一调用 wx.uploadFile 的地方（页面不要直接调用 wx.uploadFile）。
// 语音（utils/voice.js）用 upload.uploadFile(voice.VOICE_NOTES_PATH, filePath, opts)，行为和照片一样。
//
//   const upload = require('../../utils/upload')
//   const photo = await upload.uploadPhoto(filePath, {
//     idempotencyKey,                       // 这张照片的幂等键：重试这张照片时沿用同一个
//     onProgress: percent => ...,           // 0–100，来自 UploadTask.onProgressUpdate
//     onTask: task => ...,                  // 拿到 UploadTask，可以 task.abort()
//   })
//   // photo: { id, url, thumbnail_url, width, height }
//
// 后端接口：POST {API_BASE}/photos，multipart，文件字段名 `file`，
// 请求头 Authorization: Bearer <token> 和 Idempotency-Key；成功 201 返回上面的 JSON。
//
// 和 utils/api.js 一样：
// - 收到 401 时静默重新登录一次，再重传一次；
// - 网络失败（没拿到 HTTP 响应）时按 config.RETRY_DELAYS_MS 再试（带了幂等键，重传不会多出一张）；
// - 出错时 reject 一个 Error（code / status / message / details），并用 toast 显示中文说明
//   （opts.silent 为 true 时不弹）。
//
// 注意：wx.uploadFile 不走 api.get/post，所以 test/contract.test.js 的调用扫描看不到它；
// 契约测试另有一条专门核对 PHOTOS_PATH（见 README“契约测试”）。
const config = require('../config')
const api = require('./api')

const PHOTOS_PATH = '/photos'
const FILE_FIELD = 'file'
// 一件诉求最多 9 张照片（后端 MatterIn.photo_ids ≤ 9）
const MAX_PHOTOS = 9

function photosUrl() {
  return config.API_BASE + PHOTOS_PATH
}

// 后端给的图片地址：绝对地址原样用；以 / 开头的按 API_BASE 的域名补全
function mediaUrl(url) {
  if (!url) return ''
  if (/^https?:\/\//i.test(url)) return url
  const origin = (/^(https?:\/\/[^/]+)/i.exec(config.API_BASE) || [])[1] || ''
  return url.charAt(0) === '/' ? origin + url : url
}

// 后端给的一张照片（签过名的地址，一段时间内有效，不用带 token）→ 页面上的缩略图（thumb）和点开看的大图（url）；
// 没有照片时 null
function photoView(p) {
  if (!p) return null
  return { id: p.id, thumb: mediaUrl(p.thumbnail_url || p.url), url: mediaUrl(p.url || p.thumbnail_url) }
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

function uploadOnce(url, filePath, header, opts) {
  return new Promise((resolve, reject) => {
    const task = wx.uploadFile({
      url,
      filePath,
      name: FILE_FIELD,
      header,
      timeout: config.UPLOAD_TIMEOUT_MS || 60000,
      success: resolve,
      fail: reject,
    })
    if (task) {
      if (opts.onTask) opts.onTask(task)
      if (opts.onProgress && typeof task.onProgressUpdate === 'function') {
        task.onProgressUpdate(res => opts.onProgress(Math.max(0, Math.min(100, Number(res && res.progress) || 0))))
      }
    }
  })
}

async function uploadWithNetworkRetry(url, filePath, buildHeader, opts) {
  const delays = config.RETRY_DELAYS_MS
  for (let attempt = 0; ; attempt++) {
    try {
      if (attempt > 0 && opts.onProgress) opts.onProgress(0)
      return await uploadOnce(url, filePath, buildHeader(), opts)
    } catch (failure) {
      const errMsg = (failure && failure.errMsg) || ''
      // 用户删掉了这张照片（task.abort）：不再重试
      if (/abort/i.test(errMsg) || attempt >= delays.length) {
        throw api.makeError({
          status: 0,
          code: /abort/i.test(errMsg) ? 'aborted' : 'network_error',
          message: api.NETWORK_ERROR_MESSAGE,
          details: { errMsg },
        })
      }
      await sleep(delays[attempt])
    }
  }
}

// wx.uploadFile 的 data 是字符串：尽量解析成 JSON
function parseBody(res) {
  if (!res || typeof res.data !== 'string') return res
  let data = res.data
  try {
    data = res.data ? JSON.parse(res.data) : ''
  } catch (err) {
    // 不是 JSON（例如网关返回的 HTML 错误页）：当没有正文处理
    data = ''
  }
  return Object.assign({}, res, { data })
}

// 上传到 API_BASE + path（'/photos'、'/voice-notes'），成功时返回后端的 JSON
async function uploadFile(path, filePath, opts = {}) {
  if (!filePath) throw new Error('uploadFile needs a file path')
  const idempotencyKey = opts.idempotencyKey || api.newIdempotencyKey()
  const buildHeader = () => {
    const header = { 'Idempotency-Key': idempotencyKey }
    const token = api.getToken()
    if (token) header.Authorization = `Bearer ${token}`
    return header
  }
  const send = () => uploadWithNetworkRetry(config.API_BASE + path, filePath, buildHeader, opts).then(parseBody)

  try {
    let res = await send()
    if (res.statusCode === 401 && !opts.noRelogin) {
      try {
        await api.relogin()
      } catch (loginErr) {
        if (loginErr.status === 0 || loginErr.status === 429 || loginErr.status >= 500) throw loginErr
        api.clearSession()
        throw api.responseError(res)
      }
      res = await send()
      if (res.statusCode === 401) api.clearSession()
    }
    if (res.statusCode >= 200 && res.statusCode < 300 && res.data && typeof res.data === 'object') {
      return res.data
    }
    if (res.statusCode >= 200 && res.statusCode < 300) {
      throw api.makeError({ status: res.statusCode, code: 'bad_response', message: api.fallbackMessage(500) })
    }
    throw api.responseError(res)
  } catch (err) {
    if (!opts.silent && err.code !== 'aborted') api.showError(err.message || api.fallbackMessage(0))
    throw err
  }
}

function uploadPhoto(filePath, opts = {}) {
  return uploadFile(PHOTOS_PATH, filePath, opts)
}

// 拍一张或从相册选一张（压缩过的）：resolve 这张的 tempFile，用户取消时 resolve null
function pickOnePhoto() {
  return new Promise(resolve => {
    wx.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: ['camera', 'album'],
      sizeType: ['compressed'],
      success: res => resolve(((res && res.tempFiles) || [])[0] || null),
      fail: () => resolve(null), // 用户取消
    })
  })
}

module.exports = {
  PHOTOS_PATH,
  FILE_FIELD,
  MAX_PHOTOS,
  photosUrl,
  mediaUrl,
  photoView,
  uploadFile,
  uploadPhoto,
  pickOnePhoto,
}
