const { installWx, until, flush } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const api = require('../utils/api')
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

// 本机已经同意过当前版本的隐私政策，打开登录页（读一次 /privacy-notice）
async function openConsented() {
  wx.storage[privacy.CONSENT_KEY] = NOTICE.version
  wx.server.reply('GET', '/privacy-notice', 200, NOTICE)
  const page = loadPage('pages/login/login')
  await page.instance.onLoad()
  return page
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
  expect(wx.server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /privacy-notice'])
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
    wx.server.reply('GET', '/privacy-notice', 200, NOTICE)
    const page = loadPage('pages/login/login')
    await page.instance.onLoad()

    expect(textOf(page, '#notice-title')).toBe('院坝隐私政策')
    const sections = page.querySelectorAll('.notice-section').map(n => n.dom.textContent.replace(/\s+/g, ''))
    expect(sections).toEqual([
      '我们收集什么微信登录标识（openid）；您填写的姓名和电话。',
      '您的权利您可以下载我们保存的您的全部信息，也可以注销账号。',
    ])
    expect(page.querySelector('.notice-scroll')).toBeDefined()
    expect(textOf(page, '#agree-btn')).toBe('同意并继续')
    expect(page.querySelector('#login-btn')).toBeUndefined()

    // 直接调登录也不行：没同意就不登录
    await page.instance.onLogin()
    await flush()
    expect(wx.login).not.toHaveBeenCalled()
    expect(loginCalls()).toHaveLength(0)
    expect(wx.storage[privacy.CONSENT_KEY]).toBeUndefined()
  })

  test('点“同意并继续”：记下同意的版本，然后登录进首页', async () => {
    wx.server.reply('GET', '/privacy-notice', 200, NOTICE)
    wx.server.reply('POST', '/auth/login', 200, loginReply(HOUSEHOLD))
    const page = loadPage('pages/login/login')
    await page.instance.onLoad()

    await tap(page, '#agree-btn')
    await until(() => wx.reLaunch.mock.calls.length > 0)

    expect(wx.setStorageSync).toHaveBeenCalledWith(privacy.CONSENT_KEY, '2026-11-22')
    expect(wx.storage[privacy.CONSENT_KEY]).toBe('2026-11-22')
    expect(wx.server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /privacy-notice', 'POST /auth/login'])
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' })
    expect(api.getToken()).toBe('tok-login')
  })

  test('同意后再打开登录页：同一版本不再显示政策', async () => {
    wx.server.reply('GET', '/privacy-notice', 200, NOTICE)
    wx.server.reply('POST', '/auth/login', 200, loginReply(null))
    const first = loadPage('pages/login/login')
    await first.instance.onLoad()
    await tap(first, '#agree-btn')
    await until(() => wx.reLaunch.mock.calls.length > 0)

    wx.server.reply('GET', '/privacy-notice', 200, NOTICE)
    const again = loadPage('pages/login/login')
    await again.instance.onLoad()

    expect(again.querySelector('#privacy-notice')).toBeUndefined()
    expect(textOf(again, '#login-btn')).toBe('微信登录')
  })

  test('后端的政策版本变了：重新显示政策，要再同意一次，记下新版本', async () => {
    wx.storage[privacy.CONSENT_KEY] = '2026-11-22'
    const changed = Object.assign({}, NOTICE, { version: '2027-03-01', title: '院坝隐私政策（修订）' })
    wx.server.reply('GET', '/privacy-notice', 200, changed)
    wx.server.reply('POST', '/auth/login', 200, loginReply(HOUSEHOLD))
    const page = loadPage('pages/login/login')
    await page.instance.onLoad()

    expect(textOf(page, '#notice-title')).toBe('院坝隐私政策（修订）')
    expect(page.querySelector('#login-btn')).toBeUndefined()
    await tap(page, '#agree-btn')
    await until(() => wx.reLaunch.mock.calls.length > 0)

    expect(wx.storage[privacy.CONSENT_KEY]).toBe('2027-03-01')
    expect(loginCalls()).toHaveLength(1)
  })

  test('政策读不到（网络）：显示说明和“重新加载”，不能登录；重新加载成功后显示政策', async () => {
    jest.useFakeTimers()
    try {
      // GET 网络失败会自动重试 2 次，三次都失败才算读不到
      wx.server.networkFail('GET', '/privacy-notice').networkFail('GET', '/privacy-notice').networkFail('GET', '/privacy-notice')
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
    const page = loadPage('pages/login/login')
    await page.instance.onLoad()

    expect(textOf(page, '#notice-error')).toBe('服务正在维护，请稍后再试')
    expect(page.querySelector('#notice-retry-btn')).toBeDefined()
    expect(page.querySelector('#login-btn')).toBeUndefined()
  })
})
