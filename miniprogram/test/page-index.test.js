const { installWx, until, flush } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const api = require('../utils/api')

const HOUSEHOLD = {
  id: 11, community_id: 1, community_name: '幸福里社区', building_id: 3,
  building_name: '3栋', unit: '2单元', room: '501', is_head: true,
}
const ME = {
  id: 1,
  name: '张大爷',
  phone: '138****5678',
  roles: [
    { role: 'building_head', scope_id: 3, scope_name: '3栋' },
    { role: 'council_member', scope_id: 1, scope_name: '幸福里社区' },
    { role: 'resident', scope_id: null, scope_name: null },
  ],
  household: HOUSEHOLD,
}

let wx
beforeEach(() => {
  wx = installWx()
})

function loggedIn(user = { id: 1, name: '', phone: null, roles: [], household: null }) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
}

test('未登录：去登录页，不请求后端', async () => {
  const page = loadPage('pages/index/index')
  await page.instance.onShow()
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
  expect(wx.request).not.toHaveBeenCalled()
})

test('显示 /me：称呼、手机号、住户、中文身份', async () => {
  loggedIn()
  wx.server.reply('GET', '/me', 200, ME)
  wx.server.reply('GET', '/notifications/unread-count', 200, { unread: 0 })
  const page = loadPage('pages/index/index')

  await page.instance.onShow()

  expect(wx.server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /me', 'GET /notifications/unread-count'])
  expect(wx.server.requests[0].header.Authorization).toBe('Bearer tok')
  expect(textOf(page, '#greeting')).toBe('您好，张大爷')
  expect(textOf(page, '#phone')).toBe('手机：138****5678')
  expect(textOf(page, '.house-community')).toBe('幸福里社区')
  expect(textOf(page, '.house-address')).toBe('3栋 2单元 501室') // unit 已带“单元”，不重复
  expect(textOf(page, '#home-household')).toContain('户主')
  expect(page.querySelector('#bind-btn')).toBeUndefined()
  const roles = page.querySelectorAll('.role-item').map(node => node.dom.textContent.trim())
  expect(roles).toEqual(['楼栋长（3栋）', '议事会成员（幸福里社区）', '居民'])
  expect(api.getUser()).toEqual(ME)
})

test('所有角色代码都有中文名', async () => {
  const codes = ['admin', 'staff', 'grid_worker', 'building_head', 'council_member', 'owners_committee',
    'supervisor', 'department_liaison', 'volunteer_lead', 'resident']
  loggedIn()
  wx.server.reply('GET', '/me', 200, Object.assign({}, ME, { roles: codes.map(role => ({ role, scope_id: null, scope_name: null })) }))
  const page = loadPage('pages/index/index')

  await page.instance.onShow()

  const roles = page.querySelectorAll('.role-item').map(node => node.dom.textContent.trim())
  expect(roles).toEqual(['系统管理员', '社区工作人员', '网格员', '楼栋长', '议事会成员', '业委会成员',
    '监委会成员', '职能部门联络员', '义工队负责人', '居民'])
})

test('没有住户：显示“绑定我家”按钮，点了去绑定页', async () => {
  loggedIn()
  wx.server.reply('GET', '/me', 200, Object.assign({}, ME, { name: '', household: null }))
  const page = loadPage('pages/index/index')

  await page.instance.onShow()

  expect(textOf(page, '#greeting')).toBe('您好，邻居')
  expect(page.querySelector('#home-household')).toBeUndefined()
  expect(textOf(page, '#no-household')).toContain('还没有绑定住户')
  await tap(page, '#bind-btn')
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/join/join' })
})

test('加载失败：显示错误说明', async () => {
  loggedIn()
  wx.server.reply('GET', '/me', 503, { error: { code: 'service_unavailable', message: '服务正在维护，请稍后再试', details: {} } })
  const page = loadPage('pages/index/index')

  await page.instance.onShow()

  expect(textOf(page, '#load-error')).toBe('服务正在维护，请稍后再试')
})

test('退出登录：确认后调用 /auth/logout，清掉登录状态，回登录页', async () => {
  loggedIn(ME)
  wx.server.reply('GET', '/me', 200, ME)
  wx.server.reply('POST', '/auth/logout', 204)
  const page = loadPage('pages/index/index')
  await page.instance.onShow()

  await tap(page, '#logout-btn')
  await until(() => wx.reLaunch.mock.calls.length > 0)

  expect(wx.showModal).toHaveBeenCalledTimes(1)
  expect(wx.server.calls('POST', '/auth/logout')).toHaveLength(1)
  expect(api.getToken()).toBe('')
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
})

test('退出登录：取消时什么都不做', async () => {
  loggedIn(ME)
  wx.server.reply('GET', '/me', 200, ME)
  wx.modalConfirm = false
  const page = loadPage('pages/index/index')
  await page.instance.onShow()

  await tap(page, '#logout-btn')
  await flush()
  await flush()

  expect(wx.showModal).toHaveBeenCalledTimes(1)
  expect(wx.server.calls('POST', '/auth/logout')).toHaveLength(0)
  expect(api.getToken()).toBe('tok')
  expect(wx.reLaunch).not.toHaveBeenCalled()
})

test('下拉刷新：重新读取 /me 并更新页面', async () => {
  loggedIn()
  wx.server.reply('GET', '/me', 200, ME)
  wx.server.reply('GET', '/me', 200, Object.assign({}, ME, { name: '张建国' }))
  const page = loadPage('pages/index/index')
  await page.instance.onShow()
  expect(textOf(page, '#greeting')).toBe('您好，张大爷')

  await page.instance.onPullDownRefresh()

  expect(wx.server.calls('GET', '/me')).toHaveLength(2)
  expect(textOf(page, '#greeting')).toBe('您好，张建国')
  expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)
})

test('先显示本地缓存的用户，/me 回来后再更新', async () => {
  loggedIn(Object.assign({}, ME, { name: '缓存里的名字' }))
  wx.server.reply('GET', '/me', 200, ME)
  const page = loadPage('pages/index/index')

  const showing = page.instance.onShow()
  expect(textOf(page, '#greeting')).toBe('您好，缓存里的名字')
  await showing
  expect(textOf(page, '#greeting')).toBe('您好，张大爷')
})

test('登录彻底失效（重新登录也不行）：回登录页', async () => {
  loggedIn(ME)
  wx.server.always('GET', '/me', 401, { error: { code: 'invalid_token', message: '登录已失效，请重新登录', details: {} } })
  wx.server.reply('POST', '/auth/login', 401, { error: { code: 'invalid_code', message: '微信登录凭证无效', details: {} } })
  const page = loadPage('pages/index/index')

  await page.instance.onShow()

  expect(wx.server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /me', 'POST /auth/login'])
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
  expect(api.getToken()).toBe('')
})

describe('消息入口和未读数', () => {
  test('显示未读数角标，点“消息”打开消息页', async () => {
    loggedIn()
    wx.server.reply('GET', '/me', 200, ME)
    wx.server.reply('GET', '/notifications/unread-count', 200, { unread: 3 })
    const page = loadPage('pages/index/index')

    await page.instance.onShow()

    expect(textOf(page, '#inbox-entry')).toContain('消息')
    expect(textOf(page, '#unread-badge')).toBe('3')
    expect(wx.server.calls('GET', '/notifications/unread-count')[0].header.Authorization).toBe('Bearer tok')
    await tap(page, '#inbox-entry')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notifications/notifications' })
    expect(wx.server.unexpected).toEqual([])
  })

  test('没有未读时不显示角标；超过 99 显示 99+；每次显示页面都重新读', async () => {
    loggedIn()
    wx.server.always('GET', '/me', 200, ME)
    wx.server
      .reply('GET', '/notifications/unread-count', 200, { unread: 0 })
      .reply('GET', '/notifications/unread-count', 200, { unread: 120 })
    const page = loadPage('pages/index/index')

    await page.instance.onShow()
    expect(page.querySelector('#unread-badge')).toBeUndefined()

    await page.instance.onShow()
    expect(textOf(page, '#unread-badge')).toBe('99+')
    expect(wx.server.calls('GET', '/notifications/unread-count')).toHaveLength(2)
  })

  test('读未读数失败：不弹提示、不显示错误，保留原来的数字，其余照常', async () => {
    loggedIn()
    wx.server.always('GET', '/me', 200, ME)
    wx.server
      .reply('GET', '/notifications/unread-count', 200, { unread: 2 })
      .reply('GET', '/notifications/unread-count', 503, { error: { code: 'database_unavailable', message: '服务暂时不可用', details: {} } })
    const page = loadPage('pages/index/index')
    await page.instance.onShow()
    expect(textOf(page, '#unread-badge')).toBe('2')

    await page.instance.onPullDownRefresh()

    expect(wx.server.calls('GET', '/notifications/unread-count')).toHaveLength(2)
    expect(textOf(page, '#unread-badge')).toBe('2')
    expect(wx.showToast).not.toHaveBeenCalled()
    expect(page.querySelector('#load-error')).toBeUndefined()
    expect(textOf(page, '#greeting')).toBe('您好，张大爷')
    expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)
  })
})

describe('诉求入口', () => {
  test('“我要反映”“我的诉求”人人都有，分别打开对应页面；居民没有“三事分流”', async () => {
    loggedIn()
    wx.server.reply('GET', '/me', 200, Object.assign({}, ME, { roles: [{ role: 'resident', scope_id: 11, scope_name: null }] }))
    wx.server.reply('GET', '/notifications/unread-count', 200, { unread: 0 })
    const page = loadPage('pages/index/index')
    await page.instance.onShow()

    expect(textOf(page, '#report-entry')).toContain('我要反映')
    expect(textOf(page, '#mine-entry')).toContain('我的诉求')
    expect(page.querySelector('#triage-entry')).toBeUndefined()
    await tap(page, '#report-entry')
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/matter-new/matter-new' })
    await tap(page, '#mine-entry')
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/matters/matters' })
  })

  test('议事会成员、社区工作人员有“三事分流”；楼栋长、网格员没有', async () => {
    const cases = [
      [[{ role: 'council_member', scope_id: 1, scope_name: '幸福里社区' }], true],
      [[{ role: 'staff', scope_id: 1, scope_name: '幸福里社区' }], true],
      [[{ role: 'building_head', scope_id: 3, scope_name: '3栋' }, { role: 'grid_worker', scope_id: 2, scope_name: '第二网格' }], false],
    ]
    for (const [roles, expected] of cases) {
      loggedIn()
      wx.server.reply('GET', '/me', 200, Object.assign({}, ME, { roles }))
      wx.server.reply('GET', '/notifications/unread-count', 200, { unread: 0 })
      const page = loadPage('pages/index/index')
      await page.instance.onShow()
      expect(page.querySelector('#triage-entry') !== undefined).toBe(expected)
      if (expected) {
        await tap(page, '#triage-entry')
        expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/triage/triage' })
      }
    }
  })

  test('人人都有“会议”入口，点了去会议列表', async () => {
    loggedIn()
    wx.server.reply('GET', '/me', 200, Object.assign({}, ME, { roles: [{ role: 'resident', scope_id: 11, scope_name: null }] }))
    wx.server.reply('GET', '/notifications/unread-count', 200, { unread: 0 })
    const page = loadPage('pages/index/index')
    await page.instance.onShow()

    expect(textOf(page, '#meetings-entry')).toContain('会议')
    await tap(page, '#meetings-entry')
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/meetings/meetings' })
  })

  test('人人都有“我的信息与隐私”入口，点了打开隐私页；隐私页已在 app.json 登记', async () => {
    loggedIn()
    wx.server.reply('GET', '/me', 200, ME)
    wx.server.reply('GET', '/notifications/unread-count', 200, { unread: 0 })
    const home = loadPage('pages/index/index')
    await home.instance.onShow()

    expect(textOf(home, '#privacy-entry')).toContain('我的信息与隐私')
    await tap(home, '#privacy-entry')
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/privacy/privacy' })
    expect(require('../app.json').pages).toContain('pages/privacy/privacy')
  })
})
