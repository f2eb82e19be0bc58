// 代办（pages/meeting）：楼栋长、网格员、社区工作人员选一户（components/household-picker），替这户回复、代签到。
// 和 page-acting.test.js 分开：同一个测试文件里别的页面用过这个组件，jest 的模块缓存让它在这里没有定义。
const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const { BHEAD, RESIDENT, household, signIn, pickHousehold } = require('./acting-fixtures')

let wx
beforeEach(() => {
  wx = installWx()
})

describe('替一户回复、代签到（pages/meeting）', () => {
  const ACTIONS = ['manage', 'publish', 'reschedule', 'cancel', 'resend', 'checkin_code', 'check_in_by_hand', 'reply', 'check_in', 'record_minutes', 'publish_minutes']
  const can = (...names) => Object.fromEntries(ACTIONS.map(a => [a, names.includes(a)]))
  function meeting(fields = {}) {
    return Object.assign({
      id: 7, community_id: 1, organizer_id: 2, kind: 'building', stage: null, title: '3幢楼道改造意见会', description: '',
      place: '3幢楼下院坝', starts_at: new Date(Date.now() + 26 * 3600 * 1000).toISOString(), ends_at: null, capacity: null,
      scope_kind: 'buildings', scope_ids: [3], status: 'published', minutes: null, agenda: [], my_reply: null, my_people: null,
      present: false, can: can('reply'), invited: 40, attended: 0,
    }, fields)
  }

  async function open(user, m = meeting()) {
    signIn(user)
    wx.server.reply('GET', '/meetings/7', 200, m)
    wx.server.reply('GET', '/notifications/consents', 200, { items: [] })
    const page = loadPage('pages/meeting/meeting')
    await page.instance.onLoad({ id: '7' })
    await page.instance.onShow()
    return page
  }

  test('楼栋长替一户回复参加 2 人，带上 on_behalf_of_household_id；换一户、不代办了都能退回', async () => {
    const page = await open(BHEAD)
    wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(1, { head_name: '李奶奶' })], next_cursor: null })
    await tap(page, '#act-start-btn')
    await pickHousehold(page, 'act-picker', 1)
    expect(textOf(page, '#act-card .subtitle')).toBe('替 3幢 1单元 101室（李奶奶） 办')

    await tap(page, '#act-people-plus')
    wx.server.reply('POST', '/meetings/7/reply', 200, meeting())
    await page.instance.onActReplyTap({ currentTarget: { dataset: { reply: 'attend' } } })
    const [sent] = wx.server.calls('POST', '/meetings/7/reply')
    expect(sent.data).toEqual({ reply: 'attend', people: 2, on_behalf_of_household_id: 1 })
    expect(sent.header['Idempotency-Key']).toBeTruthy()

    wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(1)], next_cursor: null })
    await tap(page, '#act-switch-btn')
    expect(page.querySelector('#act-picker')).toBeDefined()
    await page.instance.onStopActing()
    expect(page.querySelector('#act-card')).toBeUndefined()
    expect(page.querySelector('#act-start-btn')).toBeDefined()
  })

  test('代签到：确认后 POST manual-checkins，这户不必在“没回复”的名单里', async () => {
    const page = await open(BHEAD)
    wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(1)], next_cursor: null })
    await tap(page, '#act-start-btn')
    await pickHousehold(page, 'act-picker', 1)
    wx.server.reply('POST', '/meetings/7/manual-checkins', 200, meeting({ attended: 1 }))
    await page.instance.onActCheckin()
    expect(wx.server.calls('POST', '/meetings/7/manual-checkins')[0].data).toEqual({ household_id: 1 })
  })

  test('家人代办（有“替家里回复开会”）：选我代办的人家替它回复，不能代签到；只有别的权利的没有代办', async () => {
    const RELATIVE = { id: 70, name: '宋小明', roles: [], household: null,
      helping: [{ helper_id: 4, household_id: 12, address: '3幢1单元101', rights: ['reply_meetings'] },
        { helper_id: 5, household_id: 13, address: '4幢2单元302', rights: ['receive_notices'] }] }
    const page = await open(RELATIVE, meeting({ can: can() }))
    await tap(page, '#act-start-btn')
    await until(() => page.querySelector('#act-picker') && page.querySelector('#act-picker').querySelector('#picker-helped-12'))
    const picker = page.querySelector('#act-picker')
    expect(picker.querySelector('#picker-helped-13')).toBeUndefined()
    expect(picker.querySelector('#picker-no-buildings')).toBeUndefined()
    await tap(picker, '#picker-helped-12')
    expect(textOf(page, '#act-card .subtitle')).toBe('替 3幢1单元101 办')
    expect(page.querySelector('#act-checkin-btn')).toBeUndefined()
    wx.server.reply('POST', '/meetings/7/reply', 200, meeting({ can: can() }))
    await page.instance.onActReplyTap({ currentTarget: { dataset: { reply: 'decline' } } })
    expect(wx.server.calls('POST', '/meetings/7/reply')[0].data).toEqual({ reply: 'decline', people: 0, on_behalf_of_household_id: 12 })

    const notices = await open(Object.assign({}, RELATIVE, { helping: [RELATIVE.helping[1]] }), meeting({ can: can() }))
    expect(notices.querySelector('#act-start-btn')).toBeUndefined()
    expect(wx.server.unexpected).toEqual([])
  })

  test('别人替我家回复、签到的：写明由谁代办', async () => {
    const page = await open(RESIDENT, meeting({
      my_reply: 'attend', my_people: 1, my_reply_on_behalf: '由张大爷（楼栋长）代办',
      present: true, present_on_behalf: '由李四（网格员）代办', can: can(),
    }))
    expect(textOf(page, '#reply-on-behalf')).toBe('由张大爷（楼栋长）代办')
    expect(textOf(page, '#present-on-behalf')).toBe('由李四（网格员）代办')
  })

  test('居民、草稿的会：没有代办', async () => {
    const page = await open(RESIDENT)
    expect(page.querySelector('#act-start-btn')).toBeUndefined()
    const draft = await open(BHEAD, meeting({ status: 'draft' }))
    expect(draft.querySelector('#act-start-btn')).toBeUndefined()
  })
})
