// 代办：楼栋长、网格员、社区工作人员替没有手机的住户反映问题、评议（会议的回复、代签到在 page-acting-meeting.test.js），
// 选户用 components/household-picker（楼栋 → 住户；它自己的测试在 household-picker.test.js：
// 同一个测试文件里单独加载过的组件，页面再用时 jest 的模块缓存让它没有定义）。
const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const { BHEAD, RESIDENT, household, signIn, pickHousehold } = require('./acting-fixtures')

const BHEAD_NO_HOME = Object.assign({}, BHEAD, { household: null })
const CATEGORIES = { items: [{ code: 'street_lamp', name: '路灯', default_class: 'minor', builtin: true }] }

let wx
beforeEach(() => {
  wx = installWx()
})

describe('替住户反映（pages/matter-new）', () => {
  async function open(user) {
    signIn(user)
    wx.server.reply('GET', '/communities/1/matter-categories', 200, CATEGORIES)
    wx.server.reply('GET', '/notifications/consents', 200, { items: [] })
    const page = loadPage('pages/matter-new/matter-new')
    await page.instance.onLoad({})
    return page
  }

  test('楼栋长选一户后提交，带上 on_behalf_of_household_id；改回自己反映就不带', async () => {
    const page = await open(BHEAD)
    expect(page.querySelector('#household-picker')).toBeUndefined()
    wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(1, { head_name: '李奶奶' })], next_cursor: null })
    await tap(page, '#start-acting-btn')
    await pickHousehold(page, 'household-picker', 1)
    expect(textOf(page, '#acting-for')).toContain('替 3幢 1单元 101室（李奶奶）反映')

    await page.instance.setData({ title: '楼道灯坏了', category: 'street_lamp' })
    wx.server.reply('POST', '/matters', 201, { id: 31 })
    await page.instance.onSubmitTap()
    expect(wx.server.calls('POST', '/matters')[0].data.on_behalf_of_household_id).toBe(1)
  })

  test('“改成我自己反映”：不再带住户', async () => {
    const page = await open(BHEAD)
    wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(1)], next_cursor: null })
    await tap(page, '#start-acting-btn')
    await pickHousehold(page, 'household-picker', 1)
    await tap(page, '#stop-acting-btn')
    expect(page.querySelector('#acting-for')).toBeUndefined()

    await page.instance.setData({ title: '楼道灯坏了', category: 'street_lamp' })
    wx.server.reply('POST', '/matters', 201, { id: 32 })
    await page.instance.onSubmitTap()
    expect(wx.server.calls('POST', '/matters')[0].data).not.toHaveProperty('on_behalf_of_household_id')
  })

  test('自己没有住户的楼栋长：先选一户，选好前不能提交，类别按那户的社区', async () => {
    signIn(BHEAD_NO_HOME)
    wx.server.reply('GET', '/me', 200, BHEAD_NO_HOME) // 本机的用户没有住户：页面再问一次后端
    wx.server.reply('GET', '/notifications/consents', 200, { items: [] })
    wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(1)], next_cursor: null })
    const page = loadPage('pages/matter-new/matter-new')
    await page.instance.onLoad({})
    expect(page.querySelector('#need-household')).toBeUndefined()
    await page.instance.setData({ title: '楼道灯坏了' })
    await page.instance.onSubmitTap()
    expect(page.data.errorMessage).toBe('请先选替哪一户反映')

    wx.server.reply('GET', '/communities/1/matter-categories', 200, CATEGORIES)
    await pickHousehold(page, 'household-picker', 1)
    await until(() => page.data.categories.length === 1)
    expect(wx.server.unexpected).toEqual([])

    // 不代办了：没有自己的住户，就是“先绑定”，还能再替别人反映
    await tap(page, '#stop-acting-btn')
    expect(page.querySelector('#need-household')).toBeDefined()
    expect(page.querySelector('#start-acting-btn')).toBeDefined()
  })

  test('住在别的城市的子女（家人代办，有“反映问题”权利）：选帮的那户，类别按那户的社区，提交带上那户', async () => {
    const SON = { id: 77, name: '宋小明', roles: [], household: null,
      helping: [{ helper_id: 4, household_id: 12, community_id: 2, address: '海滨新村5幢1单元201', rights: ['report_and_follow'] }] }
    signIn(SON)
    wx.server.reply('GET', '/me', 200, SON)
    wx.server.reply('GET', '/notifications/consents', 200, { items: [] })
    const page = loadPage('pages/matter-new/matter-new')
    await page.instance.onLoad({})
    expect(page.querySelector('#need-household')).toBeUndefined()

    wx.server.reply('GET', '/communities/2/matter-categories', 200, CATEGORIES)
    const picker = () => page.querySelector('#household-picker')
    await until(() => picker() && picker().querySelector('#picker-helped-12'))
    await tap(picker(), '#picker-helped-12')
    await until(() => page.data.categories.length === 1)
    await page.instance.setData({ title: '楼道灯坏了', category: 'street_lamp' })
    wx.server.reply('POST', '/matters', 201, { id: 33 })
    await page.instance.onSubmitTap()
    expect(wx.server.calls('POST', '/matters')[0].data.on_behalf_of_household_id).toBe(12)
    expect(wx.server.unexpected).toEqual([])
  })

  test('只能“回复开会”的家人代办看不到“替住户反映”', async () => {
    const page = await open(Object.assign({}, RESIDENT, {
      helping: [{ helper_id: 4, household_id: 12, community_id: 2, address: '5幢201', rights: ['reply_meetings'] }] }))
    expect(page.querySelector('#start-acting-btn')).toBeUndefined()
  })

  test('居民看不到代办', async () => {
    const page = await open(RESIDENT)
    expect(page.querySelector('#start-acting-btn')).toBeUndefined()
  })
})

describe('代为评议、“由X代办”（pages/matter）', () => {
  const CAN = ['classify', 'reclassify', 'class_votes', 'assign', 'merge', 'progress', 'resolve', 'escalate', 'evaluate', 'evaluate_for', 'withdraw', 'comment']
  const can = (...names) => Object.fromEntries(CAN.map(a => [a, names.includes(a)]))
  function resolved(fields) {
    return Object.assign({
      id: 31, title: '楼道灯坏了', status: 'resolved', status_label: '已办结', matter_class: 'minor', class_label: '小事',
      category: 'street_lamp', category_name: '路灯', description: '', place_text: '', building_name: '3幢',
      latitude: null, longitude: null, household_id: 1, submitter_name: '李奶奶', submitter_phone: null, on_behalf: true,
      mine: false, resolved_at: new Date().toISOString(), handler: null, due_date: null, merged_into_id: null,
      satisfaction: null, evaluation_comment: null, created_at: new Date().toISOString(), photos: [],
      timeline: [{
        id: 1, action: 'submit', status_from: null, status_to: 'submitted', matter_class: null, note: '', data: {},
        actor_name: '张大爷', on_behalf_label: '由张大爷（楼栋长）代办', created_at: new Date().toISOString(), photos: [],
      }],
    }, fields)
  }

  test('能代这户评议（can.evaluate_for）：显示评议，提交带上这件诉求的住户', async () => {
    signIn(BHEAD)
    wx.server.reply('GET', '/matters/31', 200, resolved({ can: can('evaluate_for', 'comment') }))
    const page = loadPage('pages/matter/matter')
    await page.instance.onLoad({ id: '31' })
    expect(textOf(page, '#evaluate-for-hint')).toContain('替这户人家评议')
    expect(textOf(page, '#event-1')).toContain('由张大爷（楼栋长）代办')

    await tap(page, '#star-4')
    wx.server.reply('POST', '/matters/31/evaluate', 200, resolved({ can: can('comment'), satisfaction: 4 }))
    await page.instance.onEvaluate()
    expect(wx.server.calls('POST', '/matters/31/evaluate')[0].data).toEqual({ satisfaction: 4, comment: '', on_behalf_of_household_id: 1 })
  })

  test('本户自己评议不带住户', async () => {
    signIn(RESIDENT)
    wx.server.reply('GET', '/matters/31', 200, resolved({ mine: true, can: can('evaluate', 'comment') }))
    const page = loadPage('pages/matter/matter')
    await page.instance.onLoad({ id: '31' })
    expect(page.querySelector('#evaluate-for-hint')).toBeUndefined()
    await tap(page, '#star-5')
    wx.server.reply('POST', '/matters/31/evaluate', 200, resolved({ mine: true, can: can('comment'), satisfaction: 5 }))
    await page.instance.onEvaluate()
    expect(wx.server.calls('POST', '/matters/31/evaluate')[0].data).toEqual({ satisfaction: 5, comment: '' })
  })
})
