// 测试用的 wx 全局对象替身。每个测试用 installWx() 装一个新的，再按需编排：
//
//   const wx = installWx()
//   wx.server.reply('GET', '/me', 200, { id: 1 })            // 下一次 GET /me 的响应（按顺序消耗）
//   wx.server.reply('GET', '/me', 401, { error: {...} })
//   wx.server.networkFail('GET', '/me', 'request:fail timeout')
//   wx.server.always('GET', '/me', 401, {...})                // 之后每次都这样答
//   wx.loginCodes.push('code-1')                               // wx.login 依次给出的 code
//   wx.server.requests                                         // 发出的请求记录 {method, path, query, header, data}
//   wx.subscribeReplies.push({ T1: 'accept', T2: 'reject' })  // wx.requestSubscribeMessage 依次的结果
//   wx.subscribeReplies.push({ fail: { errCode: 20004 } })     // 这一次走 fail 回调
//                                                              // （没有编排时：每个模板都 accept）
//   wx.uploadReplies.push({ progress: [40, 100], statusCode: 201, data: {id: 7, ...} })  // wx.uploadFile 依次的结果
//   wx.uploadReplies.push({ fail: 'uploadFile:fail timeout' })                          // 网络失败
//   wx.uploadReplies.push({ hold: true })   // 先挂着：wx.heldUploads[i].progress(30) / .finish(201, {...}) / .fail()
//   wx.uploads                               // 发出的上传记录 {url, path, filePath, name, header, formData, task}
//   wx.chooseMediaReplies.push({ tempFiles: [{ tempFilePath: 'wxfile://a.jpg' }] })  // 或 { fail: 'chooseMedia:fail cancel' }
//   wx.locationReply = { latitude: 30.7123456, longitude: 122.4567891 }              // 或 { fail: 'getLocation:fail auth deny' }
//   wx.scanCodeReplies.push({ path: 'pages/meeting/checkin?scene=...', result: '' })  // wx.scanCode 依次的结果
//   wx.scanCodeReplies.push({ fail: 'scanCode:fail cancel' })                         // （没有编排时：用户取消）
//   wx.clipboard                              // wx.setClipboardData 最后写进剪贴板的内容
//   wx.onNeedPrivacyAuthorization.mock.calls[0][0]   // 注册的隐私授权监听（测试里自己调用它）
//
// 没有编排过的请求会得到 599 响应并记入 wx.server.unexpected，测试可以断言它为空。
const config = require('../config')

function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value))
}

function createServer() {
  const queues = {}
  const sticky = {}
  const server = {
    requests: [],
    unexpected: [],
    reply(method, path, statusCode, data) {
      const key = `${method} ${path}`
      ;(queues[key] = queues[key] || []).push({ statusCode, data })
      return server
    },
    networkFail(method, path, errMsg = 'request:fail timeout') {
      const key = `${method} ${path}`
      ;(queues[key] = queues[key] || []).push({ fail: errMsg })
      return server
    },
    always(method, path, statusCode, data) {
      sticky[`${method} ${path}`] = { statusCode, data }
      return server
    },
    // 按方法和路径筛选请求记录
    calls(method, path) {
      return server.requests.filter(r => r.method === method && r.path === path)
    },
    handle(req) {
      const key = `${req.method} ${req.path}`
      const queue = queues[key]
      if (queue && queue.length) return queue.shift()
      if (sticky[key]) return sticky[key]
      server.unexpected.push(key)
      return { statusCode: 599, data: { error: { code: 'unmocked', message: `测试没有编排：${key}` } } }
    },
  }
  return server
}

function parseUrl(url) {
  if (!url.startsWith(config.API_BASE)) throw new Error(`request to unexpected base url: ${url}`)
  const rest = url.slice(config.API_BASE.length)
  const [path, qs = ''] = rest.split('?')
  const query = {}
  qs.split('&').filter(Boolean).forEach(pair => {
    const [k, v = ''] = pair.split('=')
    query[decodeURIComponent(k)] = decodeURIComponent(v)
  })
  return { path, query }
}

function createWxMock() {
  const storage = {}
  const server = createServer()
  const loginCodes = []
  let loginCount = 0

  const wx = {
    server,
    storage,
    loginCodes,
    loginShouldFail: false,
    modalConfirm: true,
    subscribeReplies: [],
    uploadReplies: [],
    uploads: [],
    heldUploads: [],
    chooseMediaReplies: [],
    locationReply: { latitude: 30.7123456, longitude: 122.4567891 },
    scanCodeReplies: [],

    getStorageSync: jest.fn(key => (key in storage ? clone(storage[key]) : '')),
    setStorageSync: jest.fn((key, value) => {
      storage[key] = clone(value)
    }),
    removeStorageSync: jest.fn(key => {
      delete storage[key]
    }),
    clearStorageSync: jest.fn(() => {
      Object.keys(storage).forEach(key => delete storage[key])
    }),

    request: jest.fn(opts => {
      const { path, query } = parseUrl(opts.url)
      const req = { method: opts.method, path, query, header: clone(opts.header) || {}, data: clone(opts.data), url: opts.url }
      server.requests.push(req)
      const reply = server.handle(req)
      // 真实的 wx.request 是异步回调的
      Promise.resolve().then(() => {
        if (reply.fail) {
          opts.fail && opts.fail({ errMsg: reply.fail })
        } else {
          opts.success && opts.success({ statusCode: reply.statusCode, data: reply.data === undefined ? '' : clone(reply.data), header: {} })
        }
        opts.complete && opts.complete()
      })
      return { abort() {} }
    }),

    login: jest.fn(opts => {
      Promise.resolve().then(() => {
        if (wx.loginShouldFail) {
          opts.fail && opts.fail({ errMsg: 'login:fail' })
          return
        }
        loginCount += 1
        const code = loginCodes.length ? loginCodes.shift() : `wx-code-${loginCount}`
        opts.success && opts.success({ code, errMsg: 'login:ok' })
      })
    }),

    requestSubscribeMessage: jest.fn(opts => {
      const reply = wx.subscribeReplies.length ? wx.subscribeReplies.shift() : null
      Promise.resolve().then(() => {
        if (reply && reply.fail) {
          opts.fail && opts.fail(Object.assign({ errMsg: 'requestSubscribeMessage:fail' }, reply.fail))
          return
        }
        const res = { errMsg: 'requestSubscribeMessage:ok' }
        opts.tmplIds.forEach(id => {
          res[id] = reply ? reply[id] : 'accept'
        })
        opts.success && opts.success(res)
      })
    }),

    uploadFile: jest.fn(opts => {
      const { path } = parseUrl(opts.url)
      const listeners = []
      const task = {
        aborted: false,
        onProgressUpdate: jest.fn(cb => listeners.push(cb)),
        abort: jest.fn(() => {
          task.aborted = true
        }),
      }
      wx.uploads.push({ url: opts.url, path, filePath: opts.filePath, name: opts.name, header: clone(opts.header) || {}, formData: clone(opts.formData), task })
      const reply = wx.uploadReplies.length ? wx.uploadReplies.shift() : { statusCode: 599, data: { error: { code: 'unmocked', message: '测试没有编排：上传' } } }
      let done = false
      const progress = p => listeners.forEach(cb => cb({ progress: p, totalBytesSent: p * 100, totalBytesExpectedToSend: 10000 }))
      const finish = (statusCode, data) => {
        if (done) return
        done = true
        if (task.aborted) {
          opts.fail && opts.fail({ errMsg: 'uploadFile:fail abort' })
          return
        }
        // 真实的 wx.uploadFile 返回的 data 是字符串，不会自动解析 JSON
        const body = data === undefined ? '' : typeof data === 'string' ? data : JSON.stringify(data)
        opts.success && opts.success({ statusCode, data: body, errMsg: 'uploadFile:ok' })
      }
      const fail = (errMsg = 'uploadFile:fail timeout') => {
        if (done) return
        done = true
        opts.fail && opts.fail({ errMsg })
      }
      if (reply.hold) {
        wx.heldUploads.push({ progress, finish, fail, task })
      } else {
        Promise.resolve().then(() => {
          ;(reply.progress || []).forEach(progress)
          if (reply.fail) fail(reply.fail)
          else finish(reply.statusCode, reply.data)
        })
      }
      return task
    }),

    chooseMedia: jest.fn(opts => {
      const reply = wx.chooseMediaReplies.length ? wx.chooseMediaReplies.shift() : { fail: 'chooseMedia:fail cancel' }
      Promise.resolve().then(() => {
        if (reply.fail) opts.fail && opts.fail({ errMsg: reply.fail })
        else opts.success && opts.success({ type: 'image', tempFiles: reply.tempFiles.map(f => Object.assign({ size: 1000, fileType: 'image' }, f)) })
      })
    }),

    getLocation: jest.fn(opts => {
      const reply = wx.locationReply
      Promise.resolve().then(() => {
        if (reply.fail) opts.fail && opts.fail({ errMsg: reply.fail })
        else opts.success && opts.success(Object.assign({ errMsg: 'getLocation:ok' }, reply))
      })
    }),

    scanCode: jest.fn(opts => {
      const reply = wx.scanCodeReplies.length ? wx.scanCodeReplies.shift() : { fail: 'scanCode:fail cancel' }
      Promise.resolve().then(() => {
        if (reply.fail) opts.fail && opts.fail({ errMsg: reply.fail })
        else opts.success && opts.success(Object.assign({ errMsg: 'scanCode:ok', charSet: 'utf-8', rawData: '' }, reply))
      })
    }),

    clipboard: '',
    setClipboardData: jest.fn(opts => {
      wx.clipboard = String(opts.data)
      Promise.resolve().then(() => {
        opts.success && opts.success({ errMsg: 'setClipboardData:ok' })
      })
    }),

    onNeedPrivacyAuthorization: jest.fn(),
    openLocation: jest.fn(),
    previewImage: jest.fn(),

    showModal: jest.fn(opts => {
      Promise.resolve().then(() => {
        opts.success && opts.success({ confirm: wx.modalConfirm, cancel: !wx.modalConfirm })
      })
    }),

    showToast: jest.fn(),
    showLoading: jest.fn(),
    hideLoading: jest.fn(),
    stopPullDownRefresh: jest.fn(),
    reLaunch: jest.fn(),
    redirectTo: jest.fn(),
    navigateTo: jest.fn(),
    navigateBack: jest.fn(),
  }
  return wx
}

// 替换全局 wx（miniprogram-simulate 在加载时也会注入一个 wx，这里整个覆盖掉）
function installWx() {
  const wx = createWxMock()
  global.wx = wx
  return wx
}

// 让排队中的 Promise 回调和 0ms 定时器都跑完
function flush() {
  return new Promise(resolve => setTimeout(resolve, 0))
}

// 反复 flush，直到条件成立（最多 50 轮），用于等待多步异步流程
async function until(predicate, rounds = 50) {
  for (let i = 0; i < rounds; i++) {
    if (predicate()) return
    await flush()
  }
  throw new Error('condition not met in time')
}

module.exports = { createWxMock, installWx, flush, until }
