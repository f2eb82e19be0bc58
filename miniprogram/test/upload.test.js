const { installWx, flush, until } = require('./wx-mock')
const api = require('../utils/api')
const upload = require('../utils/upload')
const config = require('../config')

const PHOTO = { id: 7, url: '/media/matters/a.jpg', thumbnail_url: '/media/matters/a-thumb.jpg', width: 1200, height: 900 }

let wx
beforeEach(() => {
  wx = installWx()
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: { id: 1 } })
})

afterEach(() => {
  jest.useRealTimers()
})

test('带 token 和幂等键，用 file 字段传到 API_BASE/photos，报告进度，返回解析好的 JSON', async () => {
  wx.uploadReplies.push({ progress: [10, 55, 100], statusCode: 201, data: PHOTO })
  const progress = []
  let task = null

  const photo = await upload.uploadPhoto('wxfile://tmp/a.jpg', {
    idempotencyKey: 'photo-key-1',
    onProgress: p => progress.push(p),
    onTask: t => {
      task = t
    },
  })

  expect(photo).toEqual(PHOTO)
  expect(progress).toEqual([10, 55, 100])
  expect(task).toBe(wx.uploads[0].task)
  expect(wx.uploads).toHaveLength(1)
  const sent = wx.uploads[0]
  expect(sent.url).toBe(`${config.API_BASE}/photos`)
  expect(sent.path).toBe('/photos')
  expect(sent.filePath).toBe('wxfile://tmp/a.jpg')
  expect(sent.name).toBe('file')
  expect(sent.header.Authorization).toBe('Bearer tok')
  expect(sent.header['Idempotency-Key']).toBe('photo-key-1')
  expect(wx.request).not.toHaveBeenCalled()
})

test('网络失败自动重试，每次都用同一个幂等键；进度从 0 重新算', async () => {
  jest.useFakeTimers()
  wx.uploadReplies.push({ progress: [30], fail: 'uploadFile:fail timeout' })
  wx.uploadReplies.push({ progress: [50, 100], statusCode: 201, data: PHOTO })
  const progress = []

  const promise = upload.uploadPhoto('wxfile://tmp/a.jpg', { idempotencyKey: 'k-retry', onProgress: p => progress.push(p) })
  await jest.advanceTimersByTimeAsync(5000)

  await expect(promise).resolves.toEqual(PHOTO)
  expect(wx.uploads.map(u => u.header['Idempotency-Key'])).toEqual(['k-retry', 'k-retry'])
  expect(progress).toEqual([30, 0, 50, 100])
})

test('一直没网：试 3 次后报“网络不给力”，并弹提示', async () => {
  jest.useFakeTimers()
  for (let i = 0; i < 3; i++) wx.uploadReplies.push({ fail: 'uploadFile:fail timeout' })

  const promise = upload.uploadPhoto('wxfile://tmp/a.jpg', { idempotencyKey: 'k' }).catch(e => e)
  await jest.advanceTimersByTimeAsync(5000)
  const err = await promise

  expect(err.status).toBe(0)
  expect(err.message).toBe(api.NETWORK_ERROR_MESSAGE)
  expect(wx.uploads).toHaveLength(1 + config.RETRY_DELAYS_MS.length)
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: api.NETWORK_ERROR_MESSAGE }))
})

test('401：静默重新登录，用新 token、同一个幂等键再传一次', async () => {
  wx.uploadReplies.push({ statusCode: 401, data: { error: { code: 'invalid_token', message: '登录已失效', details: {} } } })
  wx.uploadReplies.push({ statusCode: 201, data: PHOTO })
  wx.server.reply('POST', '/auth/login', 200, { token: 'tok2', expires_at: '2030-01-01T00:00:00Z', user: { id: 1 } })

  await expect(upload.uploadPhoto('wxfile://tmp/a.jpg', { idempotencyKey: 'k401' })).resolves.toEqual(PHOTO)

  expect(wx.uploads.map(u => u.header.Authorization)).toEqual(['Bearer tok', 'Bearer tok2'])
  expect(wx.uploads.map(u => u.header['Idempotency-Key'])).toEqual(['k401', 'k401'])
})

test('后端拒绝（422 图片格式不对）：reject 后端的中文说明并弹提示；silent 时不弹', async () => {
  const refusal = { error: { code: 'unsupported_image', message: '只能上传 JPEG、PNG 或 WebP 图片', details: {} } }
  wx.uploadReplies.push({ statusCode: 422, data: refusal })
  wx.uploadReplies.push({ statusCode: 422, data: refusal })

  const err = await upload.uploadPhoto('wxfile://a.gif', { idempotencyKey: 'k' }).catch(e => e)
  expect(err.status).toBe(422)
  expect(err.code).toBe('unsupported_image')
  expect(err.message).toBe('只能上传 JPEG、PNG 或 WebP 图片')
  expect(wx.showToast).toHaveBeenCalledTimes(1)

  await upload.uploadPhoto('wxfile://a.gif', { idempotencyKey: 'k', silent: true }).catch(e => e)
  expect(wx.showToast).toHaveBeenCalledTimes(1)
  expect(wx.uploads).toHaveLength(2) // 明确的拒绝不重试
})

test('网关返回的不是 JSON：按状态码给中文说明', async () => {
  wx.uploadReplies.push({ statusCode: 413, data: '<html>Request Entity Too Large</html>' })
  const err = await upload.uploadPhoto('wxfile://big.jpg', { idempotencyKey: 'k', silent: true }).catch(e => e)
  expect(err.status).toBe(413)
  expect(err.message).toBe(api.fallbackMessage(413))
})

test('task.abort()（用户删掉了这张照片）：不重试，不弹提示', async () => {
  wx.uploadReplies.push({ hold: true })
  let task
  const promise = upload.uploadPhoto('wxfile://a.jpg', { idempotencyKey: 'k', onTask: t => (task = t) }).catch(e => e)
  await until(() => wx.heldUploads.length === 1)

  task.abort()
  wx.heldUploads[0].finish(201, PHOTO)
  const err = await promise

  expect(err.code).toBe('aborted')
  expect(wx.uploads).toHaveLength(1)
  await flush()
  expect(wx.showToast).not.toHaveBeenCalled()
})

test('mediaUrl：绝对地址原样，/ 开头的按 API_BASE 的域名补全', () => {
  expect(upload.mediaUrl('https://cdn.example.com/a.jpg')).toBe('https://cdn.example.com/a.jpg')
  expect(upload.mediaUrl('/media/a.jpg')).toBe('http://127.0.0.1:5000/media/a.jpg')
  expect(upload.mediaUrl('')).toBe('')
})
