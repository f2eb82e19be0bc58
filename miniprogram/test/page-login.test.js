const { installWx, until, flush } = require('./wx-mock')
const { loadPage, textOf, attr, tap, dispatch } = require('./page-helper')
const api = require('../utils/api')
const auth = require('../utils/auth')
const privacy = require('../utils/privacy')

const NOTICE = {
  version: '2026-11-22',
  title: '院坝隐私政策',
  sections: [
    { heading: '我们收集什么', text: '微信登录标识（openid）；您填写的姓名和电话。' },
    { heading: '您的权利', text: '您可以下载我们保存的您的全部信息，也可以注销账号。' },
  ],
}

const HOUSEHOLD = {
  id: 11, community_id: 1, community_name: '幸福里社区', building_id: 3,
  building_name: '3栋', unit: '2', room: '501', is_head: true,
}

function loginReply(household) {
  return { token: 'tok-login', expires_at: '2030-01-01T00:00:00Z', user: { id: 1, name: '张大爷', phone: null, roles: [], household } }
}

let wx
beforeEach(() => {
  wx = installWx()
})

// 生产环境的后端没有演示身份：GET /auth/dev-logins 答 404
const NO_DEV_LOGINS = { error: { code: 'not_found', message: '内容不存在', details: {} } }

// 打开登录页（读 /privacy-notice 和 /auth/dev-logins；devLogins 不给时按生产环境答 404）
async function open(devLogins) {
  wx.server.reply('GET', '/privacy-notice', 200, NOTICE)
  if (devLogins) wx.server.reply('GET', '/auth/dev-logins', 200, { items: devLogins })
  else wx.server.reply('GET', '/auth/dev-logins', 404, NO_DEV_LOGINS)
  const page = loadPage('pages/login/login')
  await page.instance.onLoad()
  return page
}

// 本机已经同意过当前版本的隐私政策，打开登录页
function openConsented(devLogins) {
  wx.storage[privacy.CONSENT_KEY] = NOTICE.version
  return open(devLogins)
}

// “同意并继续”是 open-type="agreePrivacyAuthorization" 的按钮：微信记下同意后派发这个事件
function agree(page) {
  return dispatch(page, '#agree-btn', 'agreeprivacyauthorization')
}

function loginCalls() {
  return wx.server.calls('POST', '/auth/login')
}

test('已同意过当前版本：只显示“微信登录”按钮，未点击前不登录', async () => {
  const page = await openConsented()
  expect(textOf(page, '#login-btn')).toBe('微信登录')
  expect(page.querySelector('#privacy-notice')).toBeUndefined()
  expect(page.querySelector('#agree-btn')).toBeUndefined()
  expect(page.querySelector('#login-error')).toBeUndefined()
  expect(page.querySelector('#dev-login-picker')).toBeUndefined()
  expect(wx.server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /privacy-notice', 'GET /auth/dev-logins'])
  expect(wx.showToast).not.toHaveBeenCalled() // 404 是生产环境的正常回答，不提示
  expect(wx.login).not.toHaveBeenCalled()
})

test('点击登录：已绑定住户的用户进首页', async () => {
  wx.loginCodes.push('code-1')
  wx.server.reply('POST', '/auth/login', 200, loginReply(HOUSEHOLD))
  const page = await openConsented()

  await tap(page, '#login-btn')
  await until(() => wx.reLaunch.mock.calls.length > 0)

  expect(loginCalls()).toHaveLength(1)
  expect(loginCalls()[0]).toMatchObject({ method: 'POST', path: '/auth/login', data: { code: 'code-1' } })
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' })
  expect(api.getToken()).toBe('tok-login')
  await flush()
  expect(page.data.loading).toBe(false)
})

test('点击登录：还没绑定住户的用户去绑定页', async () => {
  wx.server.reply('POST', '/auth/login', 200, loginReply(null))
  const page = await openConsented()

  await tap(page, '#login-btn')
  await until(() => wx.reLaunch.mock.calls.length > 0)

  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/join/join' })
})

test('登录失败：页面上显示后端的中文说明，留在登录页', async () => {
  wx.server.reply('POST', '/auth/login', 503, { error: { code: 'wechat_unavailable', message: '微信服务暂时不可用，请稍后再试', details: {} } })
  const page = await openConsented()

  await tap(page, '#login-btn')
  await until(() => page.querySelector('#login-error') !== undefined)

  expect(textOf(page, '#login-error')).toBe('微信服务暂时不可用，请稍后再试')
  expect(wx.reLaunch).not.toHaveBeenCalled()
  expect(api.getToken()).toBe('')
  expect(page.data.loading).toBe(false)
})

test('登录进行中重复点击不会重复登录', async () => {
  wx.server.reply('POST', '/auth/login', 200, loginReply(null))
  const page = await openConsented()

  await tap(page, '#login-btn')
  await tap(page, '#login-btn')
  await until(() => wx.reLaunch.mock.calls.length > 0)
  await flush()

  expect(wx.login).toHaveBeenCalledTimes(1)
  expect(loginCalls()).toHaveLength(1)
})

describe('登录前同意隐私政策', () => {
  test('没同意过：显示政策标题和每一段，只有“同意并继续”，不登录', async () => {
    const page = await open()

    expect(textOf(page, '#notice-title')).toBe('院坝隐私政策')
    const sections = page.querySelectorAll('.notice-section').map(n => n.dom.textContent.replace(/\s+/g, ''))
    expect(sections).toEqual([
      '我们收集什么微信登录标识（openid）；您填写的姓名和电话。',
      '您的权利您可以下载我们保存的您的全部信息，也可以注销账号。',
    ])
    expect(page.querySelector('.notice-scroll')).toBeDefined()
    expect(textOf(page, '#agree-btn')).toBe('同意并继续')
    // 点它就把同意告诉了微信（微信的隐私授权），之后才能用位置、照片、剪贴板
    expect(attr(page, '#agree-btn', 'openType')).toBe('agreePrivacyAuthorization')
    expect(page.querySelector('#login-btn')).toBeUndefined()

    // 直接调登录也不行：没同意就不登录
    await page.instance.onLogin()
    await flush()
    expect(wx.login).not.toHaveBeenCalled()
    expect(loginCalls()).toHaveLength(0)
    expect(wx.storage[privacy.CONSENT_KEY]).toBeUndefined()
  })

  test('点“同意并继续”：记下同意的版本，然后登录进首页', async () => {
    wx.server.reply('POST', '/auth/login', 200, loginReply(HOUSEHOLD))
    const page = await open()

    await agree(page)
    await until(() => wx.reLaunch.mock.calls.length > 0)

    expect(wx.setStorageSync).toHaveBeenCalledWith(privacy.CONSENT_KEY, '2026-11-22')
    expect(wx.storage[privacy.CONSENT_KEY]).toBe('2026-11-22')
    expect(wx.server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /privacy-notice', 'GET /auth/dev-logins', 'POST /auth/login'])
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' })
    expect(api.getToken()).toBe('tok-login')
  })

  test('同意后再打开登录页：同一版本不再显示政策', async () => {
    wx.server.reply('POST', '/auth/login', 200, loginReply(null))
    const first = await open()
    await agree(first)
    await until(() => wx.reLaunch.mock.calls.length > 0)

    const again = await open()

    expect(again.querySelector('#privacy-notice')).toBeUndefined()
    expect(textOf(again, '#login-btn')).toBe('微信登录')
  })

  test('后端的政策版本变了：重新显示政策，要再同意一次，记下新版本', async () => {
    wx.storage[privacy.CONSENT_KEY] = '2026-11-22'
    const changed = Object.assign({}, NOTICE, { version: '2027-03-01', title: '院坝隐私政策（修订）' })
    wx.server.reply('GET', '/privacy-notice', 200, changed)
    wx.server.reply('GET', '/auth/dev-logins', 404, NO_DEV_LOGINS)
    wx.server.reply('POST', '/auth/login', 200, loginReply(HOUSEHOLD))
    const page = loadPage('pages/login/login')
    await page.instance.onLoad()

    expect(textOf(page, '#notice-title')).toBe('院坝隐私政策（修订）')
    expect(page.querySelector('#login-btn')).toBeUndefined()
    await agree(page)
    await until(() => wx.reLaunch.mock.calls.length > 0)

    expect(wx.storage[privacy.CONSENT_KEY]).toBe('2027-03-01')
    expect(loginCalls()).toHaveLength(1)
  })

  test('政策读不到（网络）：显示说明和“重新加载”，不能登录；重新加载成功后显示政策', async () => {
    jest.useFakeTimers()
    try {
      // GET 网络失败会自动重试 2 次，三次都失败才算读不到
      wx.server.networkFail('GET', '/privacy-notice').networkFail('GET', '/privacy-notice').networkFail('GET', '/privacy-notice')
      wx.server.reply('GET', '/auth/dev-logins', 404, NO_DEV_LOGINS)
      const page = loadPage('pages/login/login')
      const loading = page.instance.onLoad()
      await jest.advanceTimersByTimeAsync(5000)
      await loading

      expect(textOf(page, '#notice-error')).toBe('隐私政策没有加载出来，请检查网络后重新加载')
      expect(textOf(page, '#notice-retry-btn')).toBe('重新加载')
      expect(page.querySelector('#login-btn')).toBeUndefined()
      expect(page.querySelector('#agree-btn')).toBeUndefined()
      expect(wx.login).not.toHaveBeenCalled()

      wx.server.reply('GET', '/privacy-notice', 200, NOTICE)
      await tap(page, '#notice-retry-btn')
      await jest.advanceTimersByTimeAsync(100)

      expect(page.querySelector('#notice-error')).toBeUndefined()
      expect(textOf(page, '#notice-title')).toBe('院坝隐私政策')
      expect(wx.server.calls('GET', '/privacy-notice')).toHaveLength(4)
      expect(wx.login).not.toHaveBeenCalled()
    } finally {
      jest.useRealTimers()
    }
  })

  test('本机同意过、但政策读不到：也不显示登录按钮（不知道版本变了没有）', async () => {
    wx.storage[privacy.CONSENT_KEY] = NOTICE.version
    wx.server.reply('GET', '/privacy-notice', 503, { error: { code: 'service_unavailable', message: '服务正在维护，请稍后再试', details: {} } })
    wx.server.reply('GET', '/auth/dev-logins', 404, NO_DEV_LOGINS)
    const page = loadPage('pages/login/login')
    await page.instance.onLoad()

    expect(textOf(page, '#notice-error')).toBe('服务正在维护，请稍后再试')
    expect(page.querySelector('#notice-retry-btn')).toBeDefined()
    expect(page.querySelector('#login-btn')).toBeUndefined()
  })
})

describe('开发环境：选演示身份登录（GET /auth/dev-logins 给了名单）', () => {
  // 开发环境后端的回答（app/demo.py 的演示社区，字段见 DevLoginSchema）
  const DEV_LOGINS = [
    { code: 'dev:admin', name: '系统管理员', roles: [{ role: 'admin', scope_id: null, scope_name: null }] },
    { code: 'dev:staff', name: '王海燕', roles: [{ role: 'staff', scope_id: 1, scope_name: '东海社区' }] },
    {
      code: 'dev:council1',
      name: '李建国',
      roles: [
        { role: 'council_member', scope_id: 1, scope_name: '东海社区' },
        { role: 'resident', scope_id: 7, scope_name: '海滨新村1幢 1单元 102' },
      ],
    },
  ]

  function pick(page, index) {
    return dispatch(page, '#dev-login-picker', 'change', { detail: { value: String(index) } })
  }

  test('同意过隐私政策：显示演示身份选择器（姓名、身份、登录名），不显示“微信登录”', async () => {
    const page = await openConsented(DEV_LOGINS)

    expect(page.querySelector('#dev-login-picker')).toBeDefined()
    expect(textOf(page, '#dev-login-btn')).toBe('选择演示身份登录 ›')
    expect(page.querySelector('#login-btn')).toBeUndefined()
    expect(page.data.devLogins.map(p => p.label)).toEqual([
      '系统管理员 · 系统管理员 · dev:admin',
      '王海燕 · 社区工作人员（东海社区） · dev:staff',
      '李建国 · 议事会成员（东海社区）、居民（海滨新村1幢 1单元 102） · dev:council1',
    ])
    expect(wx.login).not.toHaveBeenCalled()
  })

  test('选中一位：用他的 dev:<登录名> 登录（不调 wx.login），进首页；之后静默重新登录也用这个身份', async () => {
    wx.server.reply('POST', '/auth/login', 200, loginReply(HOUSEHOLD))
    const page = await openConsented(DEV_LOGINS)

    await pick(page, 1)
    await until(() => wx.reLaunch.mock.calls.length > 0)

    expect(loginCalls()).toEqual([expect.objectContaining({ data: { code: 'dev:staff' } })])
    expect(wx.login).not.toHaveBeenCalled()
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' })
    expect(api.getToken()).toBe('tok-login')

    // token 失效（401）时 api.js 静默重新登录：还是 dev:staff，不是 wx.login 的 code
    wx.server.reply('GET', '/me', 401, { error: { code: 'token_expired', message: '登录已过期，请重新登录', details: {} } })
    wx.server.reply('POST', '/auth/login', 200, loginReply(HOUSEHOLD))
    wx.server.reply('GET', '/me', 200, loginReply(HOUSEHOLD).user)
    await api.get('/me')
    expect(loginCalls()[1].data).toEqual({ code: 'dev:staff' })
    expect(wx.login).not.toHaveBeenCalled()
  })

  test('没同意过：先同意（不自动微信登录），再显示选择器', async () => {
    wx.server.reply('POST', '/auth/login', 200, loginReply(null))
    const page = await open(DEV_LOGINS)
    expect(page.querySelector('#dev-login-picker')).toBeUndefined()

    await agree(page)
    await flush()

    expect(wx.storage[privacy.CONSENT_KEY]).toBe(NOTICE.version)
    expect(loginCalls()).toHaveLength(0)
    expect(wx.login).not.toHaveBeenCalled()
    await pick(page, 0)
    await until(() => wx.reLaunch.mock.calls.length > 0)
    expect(loginCalls()[0].data).toEqual({ code: 'dev:admin' })
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/join/join' })
  })

  test('演示身份登录失败：页面上显示后端的说明', async () => {
    wx.server.reply('POST', '/auth/login', 401, { error: { code: 'invalid_login_code', message: '登录凭证无效，请重新登录', details: {} } })
    const page = await openConsented(DEV_LOGINS)

    await pick(page, 2)
    await until(() => page.querySelector('#login-error') !== undefined)

    expect(loginCalls()[0].data).toEqual({ code: 'dev:council1' })
    expect(textOf(page, '#login-error')).toBe('登录凭证无效，请重新登录')
    expect(wx.reLaunch).not.toHaveBeenCalled()
  })

  test('生产环境（404）：没有选择器，只有“微信登录”，用 wx.login 的 code 登录', async () => {
    wx.storage[auth.DEV_CODE_KEY] = 'dev:staff' // 以前在开发环境选过：微信登录时忘掉
    wx.loginCodes.push('code-9')
    wx.server.reply('POST', '/auth/login', 200, loginReply(HOUSEHOLD))
    const page = await openConsented()

    expect(page.querySelector('#dev-login-picker')).toBeUndefined()
    expect(page.data.devLogins).toEqual([])
    await tap(page, '#login-btn')
    await until(() => wx.reLaunch.mock.calls.length > 0)

    expect(loginCalls()[0].data).toEqual({ code: 'code-9' })
    expect(wx.storage[auth.DEV_CODE_KEY]).toBeUndefined()
  })
})
