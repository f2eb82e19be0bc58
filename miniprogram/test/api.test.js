const { installWx, flush } = require('./wx-mock')
const config = require('../config')
const api = require('../utils/api')

const USER = { id: 7, name: '王阿姨', phone: '138****0000', roles: [], household: null }

function session(token) {
  return { token, expires_at: '2030-01-01T00:00:00Z', user: USER }
}

function apiError(code, message, details = {}) {
  return { error: { code, message, details } }
}

let wx
beforeEach(() => {
  wx = installWx()
})

afterEach(() => {
  jest.useRealTimers()
})

describe('请求基础', () => {
  test('带上 Bearer token、JSON 头，地址是 API_BASE + 路径', async () => {
    api.saveSession(session('tok-1'))
    wx.server.reply('GET', '/me', 200, USER)

    await expect(api.get('/me')).resolves.toEqual(USER)

    expect(wx.request).toHaveBeenCalledTimes(1)
    const opts = wx.request.mock.calls[0][0]
    expect(opts.url).toBe(`${config.API_BASE}/me`)
    expect(opts.method).toBe('GET')
    expect(opts.header.Authorization).toBe('Bearer tok-1')
    expect(opts.header['Content-Type']).toBe('application/json')
    expect(opts.header['Idempotency-Key']).toBeUndefined()
  })

  test('没有 token 时不带 Authorization 头', async () => {
    wx.server.reply('POST', '/auth/login', 200, session('tok-new'))
    await api.post('/auth/login', { code: 'c' })
    expect(wx.server.requests[0].header).not.toHaveProperty('Authorization')
  })

  test('GET 的查询参数被编码进地址，空值省略', async () => {
    api.saveSession(session('tok-1'))
    wx.server.reply('GET', '/issues', 200, [])
    await api.get('/issues', { status: 'open', q: '漏水 3栋', page: 2, empty: null })
    expect(wx.server.requests[0].query).toEqual({ status: 'open', q: '漏水 3栋', page: '2' })
    expect(wx.request.mock.calls[0][0].url).toContain('q=%E6%BC%8F%E6%B0%B4%203%E6%A0%8B')
  })

  test('POST/PATCH 发送 JSON 数据；204 返回 null', async () => {
    api.saveSession(session('tok-1'))
    wx.server.reply('PATCH', '/me', 200, Object.assign({}, USER, { name: '老王' }))
    wx.server.reply('POST', '/auth/logout', 204)

    const user = await api.patch('/me', { name: '老王' })
    expect(user.name).toBe('老王')
    expect(wx.server.requests[0].data).toEqual({ name: '老王' })

    await expect(api.post('/auth/logout')).resolves.toBeNull()
    expect(wx.server.requests[1].method).toBe('POST')
  })

  test('del 发 DELETE 请求', async () => {
    api.saveSession(session('tok-1'))
    wx.server.reply('DELETE', '/things/5', 204)
    await api.del('/things/5')
    expect(wx.server.requests[0]).toMatchObject({ method: 'DELETE', path: '/things/5' })
  })

  test('路径必须以 / 开头', async () => {
    await expect(api.get('me')).rejects.toThrow(/must start with/)
    expect(wx.request).not.toHaveBeenCalled()
  })
})

describe('401：静默重新登录并重发一次', () => {
  test('401 → wx.login → POST /auth/login → 用新 token 重发原请求', async () => {
    api.saveSession(session('old-token'))
    wx.loginCodes.push('fresh-code')
    wx.server
      .reply('GET', '/me', 401, apiError('token_expired', '登录已过期'))
      .reply('POST', '/auth/login', 200, session('new-token'))
      .reply('GET', '/me', 200, USER)

    await expect(api.get('/me')).resolves.toEqual(USER)

    const seq = wx.server.requests.map(r => `${r.method} ${r.path}`)
    expect(seq).toEqual(['GET /me', 'POST /auth/login', 'GET /me'])
    expect(wx.login).toHaveBeenCalledTimes(1)
    expect(wx.server.requests[1].data).toEqual({ code: 'fresh-code' })
    expect(wx.server.requests[0].header.Authorization).toBe('Bearer old-token')
    expect(wx.server.requests[2].header.Authorization).toBe('Bearer new-token')
    expect(api.getToken()).toBe('new-token')
    expect(wx.showToast).not.toHaveBeenCalled()
  })

  test('重发后仍是 401：只重试一次，不无限循环，报错并清掉登录状态', async () => {
    api.saveSession(session('old-token'))
    wx.server
      .always('GET', '/me', 401, apiError('invalid_token', '登录已失效，请重新登录'))
      .always('POST', '/auth/login', 200, session('new-token'))

    const err = await api.get('/me').catch(e => e)

    expect(err).toBeInstanceOf(Error)
    expect(err.status).toBe(401)
    expect(err.code).toBe('invalid_token')
    expect(wx.server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /me', 'POST /auth/login', 'GET /me'])
    expect(wx.login).toHaveBeenCalledTimes(1)
    expect(api.getToken()).toBe('')
    expect(wx.showToast).toHaveBeenCalledTimes(1)
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '登录已失效，请重新登录', icon: 'none' }))
  })

  test('/auth/login 自己返回 401 时不再重新登录', async () => {
    wx.server.reply('POST', '/auth/login', 401, apiError('invalid_code', '微信登录凭证无效'))

    const err = await api.post('/auth/login', { code: 'bad' }).catch(e => e)

    expect(err.status).toBe(401)
    expect(err.message).toBe('微信登录凭证无效')
    expect(wx.request).toHaveBeenCalledTimes(1)
    expect(wx.login).not.toHaveBeenCalled()
  })

  test('多个请求同时 401 只重新登录一次', async () => {
    api.saveSession(session('old-token'))
    wx.server
      .reply('GET', '/me', 401, apiError('token_expired', '登录已过期'))
      .reply('GET', '/me', 401, apiError('token_expired', '登录已过期'))
      .reply('POST', '/auth/login', 200, session('new-token'))
      .always('GET', '/me', 200, USER)

    const results = await Promise.all([api.get('/me'), api.get('/me')])

    expect(results).toEqual([USER, USER])
    expect(wx.login).toHaveBeenCalledTimes(1)
    expect(wx.server.calls('POST', '/auth/login')).toHaveLength(1)
  })

  test('重新登录时微信服务故障（503）：如实报错，不重发原请求', async () => {
    api.saveSession(session('old-token'))
    wx.server
      .reply('GET', '/me', 401, apiError('token_expired', '登录已过期'))
      .reply('POST', '/auth/login', 503, apiError('wechat_unavailable', '微信服务暂时不可用，请稍后再试'))

    const err = await api.get('/me').catch(e => e)

    expect(err.status).toBe(503)
    expect(err.message).toBe('微信服务暂时不可用，请稍后再试')
    expect(wx.server.calls('GET', '/me')).toHaveLength(1)
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '微信服务暂时不可用，请稍后再试' }))
  })

  test('noRelogin 时 401 直接报错', async () => {
    api.saveSession(session('old-token'))
    wx.server.reply('POST', '/auth/logout', 401, apiError('invalid_token', '登录已失效'))
    await expect(api.post('/auth/logout', undefined, { noRelogin: true, silent: true })).rejects.toMatchObject({ status: 401 })
    expect(wx.login).not.toHaveBeenCalled()
  })
})

describe('网络失败重试', () => {
  test('连续失败：共发 3 次（有间隔），然后报中文错误', async () => {
    jest.useFakeTimers()
    api.saveSession(session('tok'))
    wx.server.networkFail('GET', '/me').networkFail('GET', '/me').networkFail('GET', '/me')

    const promise = api.get('/me').catch(e => e)
    await jest.advanceTimersByTimeAsync(0)
    expect(wx.request).toHaveBeenCalledTimes(1)
    // 第一次重试要等 RETRY_DELAYS_MS[0]
    await jest.advanceTimersByTimeAsync(config.RETRY_DELAYS_MS[0] - 1)
    expect(wx.request).toHaveBeenCalledTimes(1)
    await jest.advanceTimersByTimeAsync(1)
    expect(wx.request).toHaveBeenCalledTimes(2)
    await jest.advanceTimersByTimeAsync(config.RETRY_DELAYS_MS[1])
    expect(wx.request).toHaveBeenCalledTimes(3)

    const err = await promise
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toBe('网络不给力，请稍后再试')
    expect(err.code).toBe('network_error')
    expect(err.status).toBe(0)
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络不给力，请稍后再试', icon: 'none' }))

    // 不会再有第 4 次
    await jest.advanceTimersByTimeAsync(10000)
    expect(wx.request).toHaveBeenCalledTimes(3)
  })

  test('失败两次后第三次成功，正常返回', async () => {
    jest.useFakeTimers()
    api.saveSession(session('tok'))
    wx.server.networkFail('GET', '/me').networkFail('GET', '/me').reply('GET', '/me', 200, USER)

    const promise = api.get('/me')
    await jest.advanceTimersByTimeAsync(5000)
    await expect(promise).resolves.toEqual(USER)
    expect(wx.request).toHaveBeenCalledTimes(3)
    expect(wx.showToast).not.toHaveBeenCalled()
  })

  test('幂等键：自动重试时沿用同一个 Idempotency-Key', async () => {
    jest.useFakeTimers()
    api.saveSession(session('tok'))
    wx.server
      .networkFail('POST', '/households/join')
      .networkFail('POST', '/households/join')
      .reply('POST', '/households/join', 200, { household: { id: 1 }, is_head: false })

    const promise = api.post('/households/join', { code: 'ABCD1234' }, { idempotencyKey: 'key-123' })
    await jest.advanceTimersByTimeAsync(5000)
    await expect(promise).resolves.toEqual({ household: { id: 1 }, is_head: false })

    const keys = wx.server.calls('POST', '/households/join').map(r => r.header['Idempotency-Key'])
    expect(keys).toEqual(['key-123', 'key-123', 'key-123'])
  })

  test('幂等键：401 重新登录后重发时也沿用同一个键', async () => {
    api.saveSession(session('old'))
    wx.server
      .reply('POST', '/households/join', 401, apiError('token_expired', '登录已过期'))
      .reply('POST', '/auth/login', 200, session('new'))
      .reply('POST', '/households/join', 200, { household: { id: 1 }, is_head: true })

    await api.post('/households/join', { code: 'ABCD1234' }, { idempotencyKey: 'key-9' })

    const calls = wx.server.calls('POST', '/households/join')
    expect(calls.map(r => r.header['Idempotency-Key'])).toEqual(['key-9', 'key-9'])
    expect(wx.server.calls('POST', '/auth/login')[0].header).not.toHaveProperty('Idempotency-Key')
  })

  test('没有幂等键的 POST 网络失败不自动重发（避免重复提交）', async () => {
    api.saveSession(session('tok'))
    wx.server.networkFail('POST', '/auth/refresh')
    const err = await api.post('/auth/refresh').catch(e => e)
    expect(err.message).toBe('网络不给力，请稍后再试')
    expect(wx.request).toHaveBeenCalledTimes(1)
  })

  test('newIdempotencyKey 每次不同', () => {
    const keys = new Set(Array.from({ length: 50 }, () => api.newIdempotencyKey()))
    expect(keys.size).toBe(50)
    for (const key of keys) expect(key).toMatch(/^[0-9a-z]+-[0-9a-z]+$/)
  })
})

describe('错误提示', () => {
  test('显示后端的中文说明，Error 带 code/status/details', async () => {
    api.saveSession(session('tok'))
    wx.server.reply('POST', '/households/join', 404, apiError('join_code_invalid', '入户码不存在，请核对后再输入', { field: 'code' }))

    const err = await api.post('/households/join', { code: 'ZZZZ9999' }).catch(e => e)

    expect(err).toBeInstanceOf(Error)
    expect(err).toMatchObject({ status: 404, code: 'join_code_invalid', message: '入户码不存在，请核对后再输入', details: { field: 'code' } })
    expect(wx.showToast).toHaveBeenCalledTimes(1)
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '入户码不存在，请核对后再输入', icon: 'none' }))
  })

  test.each([
    [403, '没有权限'],
    [404, '内容不存在'],
    [429, '操作太频繁，请稍后再试'],
    [500, '服务暂时不可用，请稍后再试'],
    [503, '服务暂时不可用，请稍后再试'],
  ])('后端没给说明时，%i 用默认中文提示“%s”', async (status, message) => {
    api.saveSession(session('tok'))
    wx.server.reply('GET', '/me', status, '<html>Bad Gateway</html>')

    const err = await api.get('/me').catch(e => e)

    expect(err.status).toBe(status)
    expect(err.message).toBe(message)
    expect(err.code).toBe(`http_${status}`)
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: message, icon: 'none' }))
  })

  test('silent 时不弹提示，但照样 reject', async () => {
    api.saveSession(session('tok'))
    wx.server.reply('GET', '/me', 429, apiError('rate_limited', '请求太频繁了'))
    await expect(api.get('/me', undefined, { silent: true })).rejects.toMatchObject({ status: 429, message: '请求太频繁了' })
    await flush()
    expect(wx.showToast).not.toHaveBeenCalled()
  })
})

describe('keyForBody', () => {
  test('keeps one key while the body is unchanged and takes a new one when it changes', () => {
    const draft = {}
    const first = api.keyForBody(draft, { title: '路灯坏了' })
    expect(api.keyForBody(draft, { title: '路灯坏了' })).toBe(first)
    const edited = api.keyForBody(draft, { title: '路灯坏了三天' })
    expect(edited).not.toBe(first)
    expect(draft._key).toBe(edited)
  })
})
