// 长辈模式的页面：首页只有三个大按钮和消息；“我的信息”里居民自己打开、关掉、放大字号；
// 楼栋长、网格员、社区工作人员在“住户”页为一户打开（PUT /households/{id}/elder-mode）。尺寸和颜色的计算在 elder-mode.test.js。
const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const api = require('../utils/api')
const elder = require('../utils/elder')

const HOUSEHOLD = { id: 11, community_id: 1, community_name: '幸福里社区', building_id: 3, building_name: '3栋', unit: '2单元', room: '501', is_head: true, elder_mode: false }
const RESIDENT = { id: 1, name: '张大爷', phone: null, roles: [{ role: 'resident', scope_id: 11, scope_name: null }], household: HOUSEHOLD }
const ELDER_HOME = Object.assign({}, RESIDENT, { household: Object.assign({}, HOUSEHOLD, { elder_mode: true }) })
const STAFF = { id: 2, name: '王海燕', roles: [{ role: 'staff', scope_id: 1, scope_name: '幸福里社区' }], household: null }
const BHEAD = { id: 5, name: '楼栋长', roles: [{ role: 'building_head', scope_id: 3, scope_name: '3栋' }], household: null }

let wx
beforeEach(() => {
  wx = installWx()
  wx.getAppBaseInfo = () => ({ fontSizeSetting: 17, fontSizeScaleFactor: 1 })
})

function signIn(user) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
}

async function home(me) {
  signIn(me)
  wx.server.reply('GET', '/me', 200, me)
  wx.server.reply('GET', '/notifications/unread-count', 200, { unread: 3 })
  const page = loadPage('pages/index/index')
  await page.instance.onShow()
  return page
}

const ELDER_ACTIONS = ['#elder-report', '#elder-meetings', '#elder-polls', '#elder-inbox']

describe('首页', () => {
  test('社区为这户打开了长辈模式：三个大按钮、消息和未读数，别的入口收起来，整页放大', async () => {
    const page = await home(ELDER_HOME)
    expect(page.data.elder).toBe(true)
    expect(page.data.rootFontSize).toBe(`${16 * elder.ELDER_FACTOR}px`)
    expect(ELDER_ACTIONS.map(sel => textOf(page, sel))).toEqual(['反映问题', '开会', '投票', '消息3 条新的'])
    expect(page.querySelector('.elder')).toBeDefined()
    for (const sel of ['#report-entry', '#mine-entry', '#polls-entry', '#logout-btn']) expect(page.querySelector(sel)).toBeUndefined()

    await tap(page, '#elder-report')
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/matter-new/matter-new' })
    await tap(page, '#elder-meetings')
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/meetings/meetings' })
    await tap(page, '#elder-polls')
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/polls/polls' })
    await tap(page, '#elder-inbox')
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/notifications/notifications' })
    await tap(page, '#elder-profile-btn')
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/profile/profile' })
  })

  test('没打开：平常的首页，根字号跟着微信的字体大小', async () => {
    wx.getAppBaseInfo = () => ({ fontSizeSetting: 23.8, fontSizeScaleFactor: 1.4 })
    const page = await home(RESIDENT)
    expect(page.data.elder).toBe(false)
    expect(page.data.rootFontSize).toBe('22.4px')
    expect(page.querySelector('#elder-report')).toBeUndefined()
    expect(page.querySelector('#report-entry')).toBeDefined()
  })

  test('本机关掉了就不管社区的设置', async () => {
    elder.setMode(false)
    const page = await home(ELDER_HOME)
    expect(page.data.elder).toBe(false)
    expect(page.querySelector('#report-entry')).toBeDefined()
  })
})

describe('我的信息', () => {
  async function profile(me) {
    signIn(me)
    wx.server.reply('GET', `/households/${me.household.id}`, 200, {
      id: me.household.id, community_id: 1, building_id: 3, building_name: '3栋', unit: '2单元', room: '501', floor_area: 80,
      head_name: '张大爷', head_phone: null, elderly_alone: false, disabled: false, low_income: false, owner_ref: null,
      developer_held: false, elder_mode: me.household.elder_mode, members: [], can_designate_voter: false, can_issue_join_codes: false,
    })
    const page = loadPage('pages/profile/profile')
    await page.instance.onLoad()
    return page
  }

  test('居民打开长辈模式、放大字号：马上按新的字号显示，记在本机', async () => {
    const page = await profile(RESIDENT)
    expect(page.querySelector('#elder-off').dom.className).toContain('chip-on')
    await tap(page, '#elder-on')
    expect(wx.getStorageSync(elder.MODE_KEY)).toBe('on')
    expect(page.data.elder).toBe(true)
    expect(page.querySelector('#elder-on').dom.className).toContain('chip-on')
    expect(page.data.rootFontSize).toBe(`${16 * elder.ELDER_FACTOR}px`)

    await tap(page, '#text-step-2')
    expect(page.data.rootFontSize).toBe(`${Math.round(16 * elder.ELDER_FACTOR * elder.TEXT_STEPS[2].factor * 100) / 100}px`)
    expect(page.querySelector('#text-step-2').dom.className).toContain('chip-on')

    await tap(page, '#elder-off')
    expect(wx.getStorageSync(elder.MODE_KEY)).toBe('off')
    expect(page.data.elder).toBe(false)
  })

  test('社区为我家打开的：写明，居民仍可以在这部手机上关掉', async () => {
    const page = await profile(ELDER_HOME)
    expect(textOf(page, '#elder-by-community')).toBe('社区为我家打开了长辈模式。')
    expect(page.data.elder).toBe(true)
    await tap(page, '#elder-off')
    expect(page.data.elder).toBe(false)
  })
})

describe('住户页：社区工作人员为一户打开', () => {
  function household(fields = {}) {
    return Object.assign({
      id: 11, community_id: 1, building_id: 3, building_name: '3栋', unit: '2单元', room: '501', floor_area: 80,
      head_name: '张大爷', head_phone: null, elderly_alone: true, disabled: false, low_income: false, owner_ref: null,
      developer_held: false, elder_mode: false, members: [], can_designate_voter: true, can_issue_join_codes: true,
    }, fields)
  }
  const TREE = { id: 1, name: '幸福里社区', grids: [{ id: 1, name: '一网格', courtyards: [{ id: 1, name: '院', buildings: [{ id: 3, name: '3栋' }] }] }] }

  async function open(user) {
    signIn(user)
    if (user === STAFF) wx.server.reply('GET', '/communities/1', 200, TREE)
    wx.server.reply('GET', '/buildings/3/households', 200, { items: [household()], next_cursor: null })
    const page = loadPage('pages/households/households')
    await page.instance.onLoad({})
    wx.server.reply('GET', '/households/11', 200, household())
    wx.server.reply('GET', '/households/11/join-codes', 200, { items: [], next_cursor: null })
    await tap(page, '#household-11')
    await until(() => page.data.household)
    return page
  }

  test('PUT elder-mode，按后端答的显示', async () => {
    const page = await open(STAFF)
    expect(textOf(page, '#elder-form .subtitle')).toBe('长辈模式：没打开')
    wx.server.reply('PUT', '/households/11/elder-mode', 200, { elder_mode: true })
    await page.instance.onToggleElder()
    expect(wx.server.calls('PUT', '/households/11/elder-mode')[0].data).toEqual({ elder_mode: true })
    expect(textOf(page, '#elder-form .subtitle')).toBe('长辈模式：已打开')
    expect(textOf(page, '#elder-toggle-btn')).toBe('关掉长辈模式')
  })

  test('楼栋长替这栋的老人打开', async () => {
    const page = await open(BHEAD)
    wx.server.reply('PUT', '/households/11/elder-mode', 200, { elder_mode: true })
    await tap(page, '#elder-toggle-btn')
    await until(() => textOf(page, '#elder-form .subtitle') === '长辈模式：已打开')
    expect(wx.server.calls('PUT', '/households/11/elder-mode')[0].data).toEqual({ elder_mode: true })
  })
})
