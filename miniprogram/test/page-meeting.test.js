const { installWx, until, flush } = require('./wx-mock')
const { loadPage, textOf, attr, tap, input } = require('./page-helper')
const api = require('../utils/api')
const meetingsUtil = require('../utils/meetings')
const { formatMeetingTime, meetingPickerValues } = require('../utils/format')

const PAGE = 'pages/meeting/meeting'

const HOUSEHOLD = { id: 2, community_id: 1, community_name: '东海社区', building_id: 3, building_name: '3幢', unit: '1单元', room: '102', is_head: true }
const RESIDENT = { id: 42, name: '宋永华', roles: [{ role: 'resident', scope_id: 2, scope_name: null }], household: HOUSEHOLD }
// 召集人：3幢楼栋长（organizer_id 5）
const HEAD = { id: 5, name: '张大爷', roles: [{ role: 'building_head', scope_id: 3, scope_name: '3幢' }], household: Object.assign({}, HOUSEHOLD, { id: 9 }) }
const STAFF = { id: 2, name: '王海燕', roles: [{ role: 'staff', scope_id: 1, scope_name: '东海社区' }], household: null }

const MINUTE = 60 * 1000
const HOUR = 60 * MINUTE
const inHours = h => new Date(Date.now() + h * HOUR).toISOString()

// 后端 MeetingActions（会议的 can）：names 里的为 true，其余 false
const ACTIONS = ['manage', 'publish', 'reschedule', 'cancel', 'resend', 'checkin_code', 'check_in_by_hand', 'reply', 'check_in', 'record_minutes', 'publish_minutes']
function can(...names) {
  return Object.fromEntries(ACTIONS.map(a => [a, names.includes(a)]))
}
// 组织者在已发布、还没开始的会上能做的
const RUNNING = ['manage', 'reschedule', 'cancel', 'resend', 'checkin_code', 'check_in_by_hand']

// 后端 Meeting 的样子；默认：明天开的楼栋会，已发布，我家被邀请了但还没回复（可以回复）
function meeting(fields = {}) {
  return Object.assign({
    id: 7,
    community_id: 1,
    organizer_id: 5,
    kind: 'building',
    stage: 'opinion',
    title: '3幢楼道改造意见会',
    description: '请每户派一位代表参加',
    place: '3幢楼下院坝',
    starts_at: inHours(26),
    ends_at: null,
    capacity: null,
    scope_kind: 'buildings',
    scope_ids: [3],
    status: 'published',
    minutes: null,
    agenda: [
      { position: 1, text: '楼道灯改造方案', matter_ids: [12] },
      { position: 2, text: '楼道堆物怎么清', matter_ids: [] },
    ],
    my_reply: null,
    my_people: null,
    present: false,
    can: can('reply'),
    invited: 40,
    attended: 0,
  }, fields)
}

// 组织者看的会（组织者自家不在邀请范围内：present 为 null）
function organised(fields = {}) {
  return meeting(Object.assign({ present: null, can: can(...RUNNING) }, fields))
}

const REPLIES = {
  invited: 40,
  attend: 20,
  maybe: 5,
  decline: 3,
  unanswered: 12,
  people_attending: 31,
  present: 0,
  unanswered_households: [
    { household_id: 101, building_name: '3幢', unit: '1单元', room: '101', head_name: '李奶奶', wechat_label: '未发送微信提醒：未订阅' },
    { household_id: 102, building_name: '3幢', unit: '2', room: '202', head_name: null, wechat_label: '已发送微信提醒' },
  ],
}

const TEMPLATES = [
  { kind: 'matter_status', label: '诉求进度', template_id: 'T-matter', remaining: 0 },
  { kind: 'meeting_invitation', label: '会议通知', template_id: 'T-invite', remaining: 0 },
  { kind: 'meeting_reminder', label: '会前提醒', template_id: 'T-remind', remaining: 1 },
]

const ORGANISER_SECTIONS = ['#publish-card', '#replies-card', '#code-card', '#minutes-form', '#change-card']

let wx
beforeEach(() => {
  wx = installWx()
})

afterEach(() => {
  jest.useRealTimers()
})

// 打开页面：onLoad（/me 在本地缓存里）+ onShow（取提醒模板）；组织者看已发布的会时还读回复情况
async function open(user, m, { replies, consents = [] } = {}) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
  wx.server.reply('GET', `/meetings/${m.id}`, 200, m)
  if (replies) wx.server.reply('GET', `/meetings/${m.id}/replies`, 200, replies)
  wx.server.reply('GET', '/notifications/consents', 200, { items: consents })
  const page = loadPage(PAGE)
  await page.instance.onLoad({ id: String(m.id) })
  await page.instance.onShow()
  return page
}

function posts(path) {
  return wx.server.calls('POST', path)
}

const REPLY_CONTROLS = ['#people-minus', '#people-plus', '#reply-attend', '#reply-maybe', '#reply-decline']

function shown(page, selectors) {
  return selectors.filter(sel => page.querySelector(sel) !== undefined)
}

describe('显示', () => {
  test('题目、种类、阶段、时间、地点、说明、议程（诉求可以点开）；居民看不到组织者的操作', async () => {
    const m = meeting({ capacity: 60 })
    const page = await open(RESIDENT, m)

    expect(wx.server.calls('GET', '/meetings/7')).toHaveLength(1)
    expect(textOf(page, '#meeting-title')).toBe('3幢楼道改造意见会')
    expect(textOf(page, '#meeting-kind')).toBe('楼栋会')
    expect(textOf(page, '#meeting-stage')).toBe('意见征集')
    expect(textOf(page, '#meeting-status')).toBe('待召开')
    expect(textOf(page, '#meeting-time')).toBe(formatMeetingTime(m.starts_at))
    expect(textOf(page, '#meeting-place')).toBe('3幢楼下院坝')
    expect(textOf(page, '#meeting-capacity')).toBe('限 60 人')
    expect(textOf(page, '#meeting-description')).toBe('请每户派一位代表参加')
    expect(textOf(page, '#agenda-1')).toContain('楼道灯改造方案')
    expect(textOf(page, '#agenda-1')).toContain('诉求 #12')
    expect(textOf(page, '#agenda-2')).toContain('楼道堆物怎么清')
    expect(textOf(page, '#my-reply')).toBe('还没回复')
    expect(shown(page, ORGANISER_SECTIONS)).toEqual([])
    expect(page.querySelector('#meeting-attendance')).toBeUndefined()

    await tap(page, '#agenda-matter-12')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/matter/matter?id=12' })
    // 居民不读回复情况、签到码
    expect(wx.server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /meetings/7', 'GET /notifications/consents'])
    expect(wx.server.unexpected).toEqual([])
  })

  test('编号不对：不请求后端；未登录：去登录页', async () => {
    api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: RESIDENT })
    const page = loadPage(PAGE)
    await page.instance.onLoad({ id: 'abc' })
    expect(textOf(page, '#load-error')).toBe('会议编号不对')

    api.clearSession()
    const again = loadPage(PAGE)
    await again.instance.onLoad({ id: '7' })
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
    expect(wx.request).not.toHaveBeenCalled()
  })

  test('读取失败：显示后端的说明，“重新加载”能读出来', async () => {
    api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: RESIDENT })
    wx.server.reply('GET', '/meetings/7', 404, { error: { code: 'not_found', message: '会议不存在', details: {} } })
    const page = loadPage(PAGE)
    await page.instance.onLoad({ id: '7' })
    expect(textOf(page, '#load-error')).toBe('会议不存在')

    wx.server.reply('GET', '/meetings/7', 200, meeting())
    await tap(page, '#retry-btn')
    await until(() => page.data.meeting !== null)
    expect(page.querySelector('#load-error')).toBeUndefined()
    expect(textOf(page, '#meeting-title')).toBe('3幢楼道改造意见会')
  })
})

describe('操作按后端的 can 显示', () => {
  // can 里的一项 → 它打开的按钮（再次通知、代签到在“回复情况”里，“回复情况”跟着 manage）
  const ROWS = [
    ['reply', '#reply-attend'],
    ['check_in', '#scan-btn'],
    ['publish', '#publish-btn'],
    ['resend', '#resend-btn'],
    ['check_in_by_hand', '#manual-101'],
    ['checkin_code', '#show-code-btn'],
    ['record_minutes', '#save-minutes-btn'],
    ['publish_minutes', '#publish-minutes-btn'],
    ['reschedule', '#reschedule-toggle'],
    ['cancel', '#cancel-toggle'],
  ]
  const BUTTONS = ROWS.map(([, sel]) => sel)
  // 我家被邀请了、会已经开过：状态、时间、角色都和按钮“对不上”，页面只看 can
  const ANY = { starts_at: inHours(-2), minutes: '纪要' }
  const shownButtons = page => BUTTONS.filter(sel => page.querySelector(sel) !== undefined)

  test.each(ROWS)('只有 %s（和 manage）为 true：只显示它的按钮', async (flag, button) => {
    const page = await open(RESIDENT, meeting(Object.assign({}, ANY, { can: can('manage', flag) })), { replies: REPLIES })
    expect(shownButtons(page)).toEqual([button])
  })

  test.each(ROWS)('只有 %s 为 false：不显示它的按钮', async (flag, button) => {
    const page = await open(RESIDENT, meeting(Object.assign({}, ANY, { can: can(...ACTIONS.filter(a => a !== flag)) })), { replies: REPLIES })
    expect(shownButtons(page)).toEqual(BUTTONS.filter(sel => sel !== button))
  })

  test('manage：“回复情况”和到会人数只给它为 true 的人，为 false 时不读回复情况', async () => {
    const page = await open(RESIDENT, meeting({ can: can('manage') }), { replies: REPLIES })
    expect(shown(page, ORGANISER_SECTIONS)).toEqual(['#replies-card'])
    expect(textOf(page, '#meeting-attendance')).toBe('邀请 40 户，已签到 0 户')
    expect(wx.server.calls('GET', '/meetings/7/replies')).toHaveLength(1)

    const other = await open(STAFF, organised({ can: can(...RUNNING.filter(a => a !== 'manage')) }))
    expect(other.querySelector('#replies-card')).toBeUndefined()
    expect(other.querySelector('#meeting-attendance')).toBeUndefined()
    expect(wx.server.calls('GET', '/meetings/7/replies')).toHaveLength(1)
  })

  test('后端没给 can（旧版后端）：一个操作也不显示，不按角色、时间猜', async () => {
    const m = organised({ organizer_id: HEAD.id, present: false, starts_at: inHours(0.5) })
    delete m.can
    const page = await open(HEAD, m)
    expect(textOf(page, '#meeting-title')).toBe('3幢楼道改造意见会')
    expect(textOf(page, '#my-reply')).toBe('还没回复')
    expect(shownButtons(page)).toEqual([])
    expect(REPLY_CONTROLS.filter(sel => page.querySelector(sel) !== undefined)).toEqual([])
    expect(shown(page, ORGANISER_SECTIONS)).toEqual([])
    expect(wx.server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /meetings/7', 'GET /notifications/consents'])
  })
})

describe('回复：参加 / 可能参加 / 不参加', () => {
  test('人数步进器 + 三个按钮：发出的内容对；第一次点时先请用户开启会议提醒', async () => {
    wx.server.reply('POST', '/notifications/consents', 200, { items: TEMPLATES })
    const page = await open(RESIDENT, meeting(), { consents: TEMPLATES })

    await tap(page, '#people-plus')
    await tap(page, '#people-plus')
    expect(textOf(page, '#people-count')).toBe('3')

    wx.server.reply('POST', '/meetings/7/reply', 200, meeting({ my_reply: 'attend', my_people: 3 }))
    // 点击处理函数一开始就同步弹出授权框（真机上隔了 await 就弹不出来）
    const tapped = page.instance.onReplyTap({ currentTarget: { dataset: { reply: 'attend' } } })
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)
    await tapped
    await until(() => page.data.myReply === 'attend' && !page.data.busy)

    expect(posts('/meetings/7/reply').map(r => r.data)).toEqual([{ reply: 'attend', people: 3 }])
    expect(posts('/meetings/7/reply')[0].header['Idempotency-Key']).toBeTruthy()
    expect(textOf(page, '#my-reply')).toBe('参加（3人）')
    expect(attr(page, '#reply-attend', 'class')).toContain('reply-on')
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已回复' }))

    // 授权框只问会议的两种提醒，而且是在发出回复之前（点击里同步弹出）
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds.sort()).toEqual(['T-invite', 'T-remind'])
    const replyCall = wx.request.mock.calls.findIndex(c => c[0].url.endsWith('/meetings/7/reply'))
    expect(wx.requestSubscribeMessage.mock.invocationCallOrder[0]).toBeLessThan(wx.request.mock.invocationCallOrder[replyCall])
    await until(() => posts('/notifications/consents').length === 1)
    expect(posts('/notifications/consents')[0].data).toEqual({ results: { 'T-invite': 'accept', 'T-remind': 'accept' } })

    // 改成“可能参加”，再改成“不参加”（不参加时人数是 0）；授权框不再弹
    wx.server.reply('POST', '/meetings/7/reply', 200, meeting({ my_reply: 'maybe', my_people: 3 }))
    await tap(page, '#reply-maybe')
    await until(() => page.data.myReply === 'maybe' && !page.data.busy)
    wx.server.reply('POST', '/meetings/7/reply', 200, meeting({ my_reply: 'decline', my_people: 0 }))
    await tap(page, '#reply-decline')
    await until(() => page.data.myReply === 'decline' && !page.data.busy)

    expect(posts('/meetings/7/reply').map(r => r.data)).toEqual([
      { reply: 'attend', people: 3 },
      { reply: 'maybe', people: 3 },
      { reply: 'decline', people: 0 },
    ])
    expect(textOf(page, '#my-reply')).toBe('不参加')
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)
    expect(wx.server.unexpected).toEqual([])
  })

  test('人数在 1–20 之间；已回复参加的显示原来的人数', async () => {
    const page = await open(RESIDENT, meeting({ my_reply: 'attend', my_people: 19 }))
    expect(textOf(page, '#people-count')).toBe('19')
    await tap(page, '#people-plus')
    await tap(page, '#people-plus')
    expect(textOf(page, '#people-count')).toBe('20')
    for (let i = 0; i < 25; i++) page.instance.onPeopleMinus()
    expect(page.data.replyPeople).toBe(1)
  })

  test('后端说不能回复（会议已经开始）：没有回复按钮和步进器，直接调也不发', async () => {
    const page = await open(RESIDENT, meeting({ starts_at: inHours(-0.5), my_reply: 'attend', my_people: 2, can: can('check_in') }))

    expect(textOf(page, '#my-reply')).toBe('参加（2人）')
    expect(textOf(page, '#reply-closed')).toBe('会议已经开始，不能再改回复了。')
    for (const sel of REPLY_CONTROLS) expect(page.querySelector(sel)).toBeUndefined()
    await page.instance.onReplyTap({ currentTarget: { dataset: { reply: 'decline' } } })
    page.instance.onPeoplePlus()
    await flush()
    expect(posts('/meetings/7/reply')).toHaveLength(0)
    expect(page.data.replyPeople).toBe(2)
  })

  test('后端说能回复就有按钮，不看手机上的时间', async () => {
    const page = await open(RESIDENT, meeting({ starts_at: inHours(-0.5) }))
    expect(REPLY_CONTROLS.filter(sel => page.querySelector(sel) !== undefined)).toEqual(REPLY_CONTROLS)
    expect(page.querySelector('#reply-closed')).toBeUndefined()
  })

  test('开会前打开的页面，点的时候已经开始了：后端 409，重新读取后按新的 can 收起按钮', async () => {
    const page = await open(RESIDENT, meeting({ starts_at: inHours(0.01) }))
    expect(attr(page, '#reply-attend', 'disabled')).toBe(false)

    wx.server.reply('POST', '/meetings/7/reply', 409, { error: { code: 'meeting_started', message: '会议已开始，不能再修改回复', details: {} } })
    wx.server.reply('GET', '/meetings/7', 200, meeting({ starts_at: inHours(-0.01), can: can() }))
    await tap(page, '#reply-attend')
    await until(() => page.data.started && !page.data.busy)

    expect(textOf(page, '#form-error')).toBe('会议已开始，不能再修改回复')
    expect(page.querySelector('#reply-attend')).toBeUndefined()
    expect(page.querySelector('#reply-closed')).toBeDefined()
  })

  test('报名满了（409 meeting_full）：弹出后端的说明，页面上也写着，回复没变', async () => {
    const page = await open(RESIDENT, meeting({ capacity: 30 }))
    wx.server.reply('POST', '/meetings/7/reply', 409, { error: { code: 'meeting_full', message: '报名人数已满', details: { capacity: 30, taken: 30 } } })
    wx.server.reply('GET', '/meetings/7', 200, meeting({ capacity: 30 }))
    await tap(page, '#reply-attend')
    await until(() => wx.server.calls('GET', '/meetings/7').length === 2 && !page.data.busy)

    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '报名人数已满', icon: 'none' }))
    expect(textOf(page, '#form-error')).toBe('报名人数已满')
    expect(textOf(page, '#my-reply')).toBe('还没回复')
  })
})

describe('扫码签到', () => {
  const SCENE = '7-2b5c3a1-a1b2c3d4e5f6'
  const OPEN_NOW = { starts_at: inHours(0.5), can: can('reply', 'check_in') } // 会前半小时：已开放签到

  test.each([
    ['小程序码：scene 在 path 里（URL 编码过）', { scanType: 'WX_CODE', result: '', path: `pages/meeting/checkin?scene=${encodeURIComponent(SCENE)}` }],
    ['普通二维码：scene 在 result 里', { scanType: 'QR_CODE', result: SCENE }],
  ])('%s → POST /meetings/checkins {scene}，显示“已签到”', async (_name, scan) => {
    const page = await open(RESIDENT, meeting(OPEN_NOW))
    wx.scanCodeReplies.push(scan)
    wx.server.reply('POST', '/meetings/checkins', 200, meeting(Object.assign({ present: true, attended: 1 }, OPEN_NOW)))

    await tap(page, '#scan-btn')
    await until(() => page.data.present)

    expect(wx.scanCode).toHaveBeenCalledWith(expect.objectContaining({ scanType: ['wxCode', 'qrCode'] }))
    expect(posts('/meetings/checkins').map(r => r.data)).toEqual([{ scene: SCENE }])
    expect(textOf(page, '#checked-in')).toBe('✓ 已签到')
    expect(page.querySelector('#scan-btn')).toBeUndefined()
    expect(textOf(page, '#my-reply')).toBe('已签到')
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已签到' }))
  })

  test('取消扫码：什么都不发；扫到别的码：提示不是签到码', async () => {
    const page = await open(RESIDENT, meeting(OPEN_NOW))
    wx.scanCodeReplies.push({ fail: 'scanCode:fail cancel' })
    await page.instance.onScanTap()
    expect(page.querySelector('#form-error')).toBeUndefined()

    wx.scanCodeReplies.push({ scanType: 'QR_CODE', result: 'https://example.com/shop' })
    await page.instance.onScanTap()
    expect(textOf(page, '#form-error')).toBe('这不是会议签到码，请扫会场上的签到码')
    expect(posts('/meetings/checkins')).toHaveLength(0)
  })

  test('签到码过期：显示后端的说明', async () => {
    const page = await open(RESIDENT, meeting(OPEN_NOW))
    wx.scanCodeReplies.push({ result: '', path: `pages/meeting/checkin?scene=${SCENE}` })
    wx.server.reply('POST', '/meetings/checkins', 410, { error: { code: 'checkin_code_expired', message: '签到码已过期，请扫描现场最新的签到码', details: {} } })
    await page.instance.onScanTap()
    expect(textOf(page, '#form-error')).toBe('签到码已过期，请扫描现场最新的签到码')
    expect(page.data.present).toBe(false)
  })

  test('扫的是另一个会的签到码：签到成功，打开那个会', async () => {
    const page = await open(RESIDENT, meeting(OPEN_NOW))
    wx.scanCodeReplies.push({ result: '9-2b5c3a1-a1b2c3d4e5f6' })
    wx.server.reply('POST', '/meetings/checkins', 200, meeting(Object.assign({ id: 9, present: true }, OPEN_NOW)))
    await page.instance.onScanTap()
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/meeting/meeting?id=9' })
  })

  test('后端说还不能签到：没有扫码按钮，提示会前 1 小时开放', async () => {
    const page = await open(RESIDENT, meeting({ starts_at: inHours(0.5) }))
    expect(page.querySelector('#scan-btn')).toBeUndefined()
    expect(textOf(page, '#checkin-later')).toBe('开会前 1 小时起可以扫码签到。')
  })

  test('后端说能签到就有扫码按钮，不看手机上的时间', async () => {
    const page = await open(RESIDENT, meeting({ can: can('check_in') }))
    expect(page.querySelector('#scan-btn')).toBeDefined()
    expect(page.querySelector('#checkin-later')).toBeUndefined()
  })
})

describe('组织者：回复情况、再次通知、代签到', () => {
  test('召集人看到各项人数和还没回复的住户；再次通知带幂等键，失败后再点沿用同一个键', async () => {
    const page = await open(HEAD, organised(), { replies: REPLIES })

    expect(wx.server.calls('GET', '/meetings/7/replies')).toHaveLength(1)
    expect(textOf(page, '#count-invited')).toBe('40')
    expect(textOf(page, '#count-attend')).toBe('20')
    expect(textOf(page, '#replies-counts')).toContain('参加（31人）')
    expect(textOf(page, '#count-maybe')).toBe('5')
    expect(textOf(page, '#count-decline')).toBe('3')
    expect(textOf(page, '#count-unanswered')).toBe('12')
    expect(textOf(page, '#unanswered-101')).toContain('3幢 1单元 101室 李奶奶')
    expect(textOf(page, '#unanswered-102')).toContain('3幢 2单元 202室')
    // 组织者看得到每户的邀请有没有发到微信：没订阅的要上门或打电话
    expect(textOf(page, '#unanswered-101')).toContain('未发送微信提醒：未订阅')
    expect(textOf(page, '#unanswered-102')).toContain('已发送微信提醒')
    expect(textOf(page, '#manual-101')).toBe('代签到（无手机住户）')
    expect(textOf(page, '#meeting-attendance')).toBe('邀请 40 户，已签到 0 户')
    // 组织者自家不在邀请范围内：没有回复、签到卡片
    expect(page.querySelector('#reply-card')).toBeUndefined()
    expect(page.querySelector('#checkin-card')).toBeUndefined()

    wx.server.reply('POST', '/meetings/7/resend', 503, { error: { code: 'database_unavailable', message: '服务暂时不可用，请稍后再试', details: {} } })
    await tap(page, '#resend-btn')
    await until(() => posts('/meetings/7/resend').length === 1 && !page.data.busy)
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '再给还没回复的 12 户发一次通知？' }))
    expect(textOf(page, '#form-error')).toBe('服务暂时不可用，请稍后再试')

    wx.server.reply('POST', '/meetings/7/resend', 200, { notified: 15 })
    await tap(page, '#resend-btn')
    await until(() => posts('/meetings/7/resend').length === 2 && !page.data.busy)
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已通知 15 人' }))

    // 成功之后再发一次是新的一次通知：换新键
    wx.server.reply('POST', '/meetings/7/resend', 200, { notified: 15 })
    await tap(page, '#resend-btn')
    await until(() => posts('/meetings/7/resend').length === 3 && !page.data.busy)

    const keys = posts('/meetings/7/resend').map(r => r.header['Idempotency-Key'])
    expect(keys[0]).toBeTruthy()
    expect(keys[1]).toBe(keys[0])
    expect(keys[2]).not.toBe(keys[0])
    expect(wx.server.unexpected).toEqual([])
  })

  test('不点确定就不发通知', async () => {
    const page = await open(HEAD, organised(), { replies: REPLIES })
    wx.modalConfirm = false
    await page.instance.onResend()
    expect(posts('/meetings/7/resend')).toHaveLength(0)
  })

  test('代签到：确认后 POST household_id，这一户标成“已代签到”，人数刷新', async () => {
    const page = await open(HEAD, organised({ starts_at: inHours(-0.2) }), { replies: REPLIES })

    wx.server.reply('POST', '/meetings/7/manual-checkins', 200, organised({ starts_at: inHours(-0.2), attended: 1 }))
    wx.server.reply('GET', '/meetings/7/replies', 200, Object.assign({}, REPLIES, { present: 1 }))
    await tap(page, '#manual-101')
    await until(() => wx.server.calls('GET', '/meetings/7/replies').length === 2 && !page.data.busy)

    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '代签到', content: '确认 3幢 1单元 101室 李奶奶 已经到会？' }))
    expect(posts('/meetings/7/manual-checkins').map(r => r.data)).toEqual([{ household_id: 101 }])
    expect(textOf(page, '#unanswered-101')).toContain('已代签到')
    expect(page.querySelector('#manual-101')).toBeUndefined()
    expect(page.querySelector('#manual-102')).toBeDefined()
    expect(textOf(page, '#count-present')).toBe('1')
    expect(textOf(page, '#meeting-attendance')).toBe('邀请 40 户，已签到 1 户')
    expect(wx.server.unexpected).toEqual([])
  })
})

describe('组织者：签到码', () => {
  test('显示小程序码图片；页面显示期间每 5 分钟换一次；页面隐藏、关闭后不再请求', async () => {
    const page = await open(HEAD, organised({ starts_at: inHours(0.5) }), { replies: REPLIES })
    jest.useFakeTimers()
    const code = (n, image) => ({ scene: `7-${n}-a1b2c3d4e5f6`, expires_at: inHours(0.3), image_png_base64: image })
    const codeCalls = () => wx.server.calls('GET', '/meetings/7/checkin-code').length

    wx.server.reply('GET', '/meetings/7/checkin-code', 200, code(1, 'iVBORw0KGgoAAA1'))
    await page.instance.onShowCode()
    expect(attr(page, '#code-image', 'src')).toBe('data:image/png;base64,iVBORw0KGgoAAA1')
    expect(page.querySelector('#code-scene')).toBeUndefined()

    wx.server.reply('GET', '/meetings/7/checkin-code', 200, code(2, 'iVBORw0KGgoAAA2'))
    await jest.advanceTimersByTimeAsync(meetingsUtil.CODE_REFRESH_MS - 1000)
    expect(codeCalls()).toBe(1)
    await jest.advanceTimersByTimeAsync(1000)
    expect(codeCalls()).toBe(2)
    expect(meetingsUtil.CODE_REFRESH_MS).toBe(5 * 60 * 1000)
    expect(attr(page, '#code-image', 'src')).toBe('data:image/png;base64,iVBORw0KGgoAAA2')

    // 切到后台（或进了别的页面）：停掉
    page.instance.onHide()
    await jest.advanceTimersByTimeAsync(30 * MINUTE)
    expect(codeCalls()).toBe(2)
    expect(jest.getTimerCount()).toBe(0)

    // 回到本页：马上取一次新的，接着每 5 分钟一次
    wx.server.reply('GET', '/notifications/consents', 200, { items: [] })
    wx.server.reply('GET', '/meetings/7/checkin-code', 200, code(3, 'iVBORw0KGgoAAA3'))
    await page.instance.onShow()
    expect(codeCalls()).toBe(3)
    expect(attr(page, '#code-image', 'src')).toBe('data:image/png;base64,iVBORw0KGgoAAA3')
    wx.server.reply('GET', '/meetings/7/checkin-code', 200, code(4, 'iVBORw0KGgoAAA4'))
    await jest.advanceTimersByTimeAsync(meetingsUtil.CODE_REFRESH_MS)
    expect(codeCalls()).toBe(4)

    // 关闭页面：停掉
    page.instance.onUnload()
    await jest.advanceTimersByTimeAsync(30 * MINUTE)
    expect(codeCalls()).toBe(4)
    expect(jest.getTimerCount()).toBe(0)
    expect(wx.server.unexpected).toEqual([])
  })

  test('开发环境没有图片（image_png_base64 为 null）：显示签到码文字；“收起”后不再刷新', async () => {
    const page = await open(HEAD, organised(), { replies: REPLIES })
    jest.useFakeTimers()
    wx.server.reply('GET', '/meetings/7/checkin-code', 200, { scene: '7-2b5c3a1-a1b2c3d4e5f6', expires_at: inHours(0.3), image_png_base64: null })
    await page.instance.onShowCode()

    expect(page.querySelector('#code-image')).toBeUndefined()
    expect(textOf(page, '#code-scene')).toBe('7-2b5c3a1-a1b2c3d4e5f6')

    await tap(page, '#hide-code-btn')
    expect(page.querySelector('#code-scene')).toBeUndefined()
    expect(page.querySelector('#show-code-btn')).toBeDefined()
    await jest.advanceTimersByTimeAsync(30 * MINUTE)
    expect(wx.server.calls('GET', '/meetings/7/checkin-code')).toHaveLength(1)
    expect(jest.getTimerCount()).toBe(0)
  })
})

describe('组织者：会议纪要和公示', () => {
  const STARTED = { starts_at: inHours(-1), can: can(...RUNNING, 'record_minutes') }

  async function fillMinutes(page) {
    await input(page, '#minutes-input', '到会 25 户。大家同意楼道灯换成感应灯，堆物下周统一清理。')
    await input(page, '#decision-0-text', '楼道灯本月内换成感应灯')
    await input(page, '#decision-0-matter', '12')
    await tap(page, '#decision-0-progress')
    await tap(page, '#add-decision-btn')
    await input(page, '#decision-1-text', '下周六统一清理楼道堆物')
  }

  test('决定关联诉求并“推进诉求”：发 matter_action {action: progress}；保存后可以发布公示', async () => {
    const page = await open(HEAD, organised(STARTED), { replies: REPLIES })
    expect(page.querySelector('#publish-minutes-btn')).toBeUndefined()
    await fillMinutes(page)
    expect(textOf(page, '#decision-0-progress')).toContain('☑')

    const saved = organised(Object.assign({ minutes: '到会 25 户。大家同意楼道灯换成感应灯，堆物下周统一清理。' }, STARTED, {
      can: can(...RUNNING, 'record_minutes', 'publish_minutes'),
    }))
    wx.server.reply('POST', '/meetings/7/minutes', 200, saved)
    await tap(page, '#save-minutes-btn')
    await until(() => page.data.can.publish_minutes && !page.data.busy)

    const [sent] = posts('/meetings/7/minutes')
    expect(sent.data).toEqual({
      minutes: '到会 25 户。大家同意楼道灯换成感应灯，堆物下周统一清理。',
      decisions: [
        { text: '楼道灯本月内换成感应灯', matter_id: 12, matter_action: { action: 'progress' } },
        { text: '下周六统一清理楼道堆物' },
      ],
    })
    // 后端没有为纪要做幂等：不带键、不自动重试（重发会把决定再记一遍）
    expect(sent.header['Idempotency-Key']).toBeUndefined()
    // 已保存的决定清掉，纪要文字留着
    expect(page.data.decisions.map(d => d.text)).toEqual([''])
    expect(page.data.minutesText).toBe(saved.minutes)

    wx.server.reply('POST', '/meetings/7/publish-minutes', 200, organised(Object.assign({}, saved, { status: 'closed', can: can('manage') })))
    await tap(page, '#publish-minutes-btn')
    await until(() => page.data.meeting.status === 'closed')
    expect(posts('/meetings/7/publish-minutes')).toHaveLength(1)
    expect(textOf(page, '#minutes-view')).toContain('楼道灯换成感应灯')
    expect(textOf(page, '#meeting-status')).toBe('已结束')
    expect(page.querySelector('#minutes-form')).toBeUndefined()
    expect(wx.server.unexpected).toEqual([])
  })

  test('关联了诉求但不推进：只发 matter_id；要推进却没填编号：不发，提示', async () => {
    const page = await open(HEAD, organised(STARTED), { replies: REPLIES })
    await input(page, '#minutes-input', '纪要')
    await input(page, '#decision-0-text', '先听听 12 号诉求的意见')
    await tap(page, '#add-decision-btn')
    await input(page, '#decision-1-text', '推进一下')
    await tap(page, '#decision-1-progress')
    await page.instance.onSaveMinutes()
    expect(textOf(page, '#form-error')).toBe('第 2 条决定要推进诉求，请填诉求编号')
    expect(posts('/meetings/7/minutes')).toHaveLength(0)

    await tap(page, '#decision-1-remove')
    await input(page, '#decision-0-matter', '#12')
    wx.server.reply('POST', '/meetings/7/minutes', 200, organised(Object.assign({ minutes: '纪要' }, STARTED)))
    await page.instance.onSaveMinutes()
    expect(posts('/meetings/7/minutes')[0].data.decisions).toEqual([{ text: '先听听 12 号诉求的意见', matter_id: 12 }])
  })

  test('后端说不能写纪要（会议还没开始）：没有纪要表单', async () => {
    const page = await open(HEAD, organised(), { replies: REPLIES })
    expect(page.querySelector('#minutes-form')).toBeUndefined()
  })

  test('只能发布公示、不能再写纪要：只有“发布公示”', async () => {
    const page = await open(HEAD, organised({ minutes: '纪要', can: can('manage', 'publish_minutes') }), { replies: REPLIES })
    expect(page.querySelector('#minutes-input')).toBeUndefined()
    expect(page.querySelector('#save-minutes-btn')).toBeUndefined()
    wx.server.reply('POST', '/meetings/7/publish-minutes', 200, organised({ minutes: '纪要', status: 'closed', can: can('manage') }))
    await tap(page, '#publish-minutes-btn')
    await until(() => page.data.meeting.status === 'closed' && !page.data.busy)
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '发布公示' }))
    expect(posts('/meetings/7/publish-minutes')).toHaveLength(1)
  })
})

describe('组织者：发布、改期、取消', () => {
  test('草稿：确认后发布，然后重新读回复情况', async () => {
    const none = { invited: 0, attend: 0, maybe: 0, decline: 0, unanswered: 0, people_attending: 0, present: 0, unanswered_households: [] }
    const draft = organised({ status: 'draft', invited: 0, can: can('manage', 'publish', 'reschedule', 'cancel') })
    const page = await open(HEAD, draft, { replies: none })
    expect(textOf(page, '#meeting-status')).toBe('草稿，还没通知')
    expect(shown(page, ORGANISER_SECTIONS)).toEqual(['#publish-card', '#replies-card', '#change-card'])
    expect(page.querySelector('#resend-btn')).toBeUndefined()

    wx.server.reply('POST', '/meetings/7/publish', 200, organised())
    wx.server.reply('GET', '/meetings/7/replies', 200, Object.assign({}, REPLIES, { attend: 0, unanswered: 40 }))
    await tap(page, '#publish-btn')
    await until(() => wx.server.calls('GET', '/meetings/7/replies').length === 2 && !page.data.busy)

    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '发布会议' }))
    expect(posts('/meetings/7/publish')).toHaveLength(1)
    expect(textOf(page, '#meeting-status')).toBe('待召开')
    expect(page.querySelector('#publish-card')).toBeUndefined()
    expect(textOf(page, '#count-unanswered')).toBe('40')
  })

  test('改时间：日期、时间选择器按北京时间发 ISO 8601（+08:00）；地点没改就不发', async () => {
    const m = organised()
    const page = await open(HEAD, m, { replies: REPLIES })
    await tap(page, '#reschedule-toggle')
    expect(page.data.newDate).toBe(meetingPickerValues(m.starts_at).date)
    expect(page.data.newPlace).toBe('3幢楼下院坝')

    const newDate = meetingPickerValues(Date.now() + 3 * 24 * HOUR).date
    page.querySelector('#new-date-picker').dispatchEvent('change', { detail: { value: newDate } })
    page.querySelector('#new-time-picker').dispatchEvent('change', { detail: { value: '19:30' } })
    await flush()
    wx.server.reply('POST', '/meetings/7/reschedule', 200, organised({ starts_at: `${newDate}T19:30:00+08:00` }))
    await tap(page, '#reschedule-btn')
    await until(() => !page.data.rescheduleOpen)

    expect(posts('/meetings/7/reschedule').map(r => r.data)).toEqual([{ starts_at: `${newDate}T19:30:00+08:00` }])
    expect(textOf(page, '#meeting-time')).toBe(formatMeetingTime(`${newDate}T19:30:00+08:00`))
  })

  test('改期保留原来的会议时长，改了地点才发地点；改到过去不发', async () => {
    const start = Date.parse(meetingPickerValues(Date.now() + 2 * 24 * HOUR).date + 'T15:00:00+08:00')
    const m = organised({ starts_at: new Date(start).toISOString(), ends_at: new Date(start + 90 * MINUTE).toISOString() })
    const page = await open(HEAD, m, { replies: REPLIES })
    await tap(page, '#reschedule-toggle')
    await input(page, '#new-place-input', '社区活动室')
    page.querySelector('#new-time-picker').dispatchEvent('change', { detail: { value: '19:00' } })
    await flush()
    wx.server.reply('POST', '/meetings/7/reschedule', 200, m)
    await page.instance.onReschedule()
    const date = meetingPickerValues(start).date
    expect(posts('/meetings/7/reschedule')[0].data).toEqual({
      starts_at: `${date}T19:00:00+08:00`,
      ends_at: `${date}T20:30:00+08:00`,
      place: '社区活动室',
    })

    await tap(page, '#reschedule-toggle')
    page.querySelector('#new-date-picker').dispatchEvent('change', { detail: { value: '2020-01-01' } })
    await flush()
    await page.instance.onReschedule()
    expect(textOf(page, '#form-error')).toBe('新的开会时间要在将来')
    expect(posts('/meetings/7/reschedule')).toHaveLength(1)
  })

  test('取消：要写原因，确认后发出，显示“已取消”', async () => {
    const page = await open(HEAD, organised(), { replies: REPLIES })
    await tap(page, '#cancel-toggle')
    await page.instance.onCancelMeeting()
    expect(textOf(page, '#form-error')).toBe('请写明取消的原因，会一起告诉大家')
    expect(posts('/meetings/7/cancel')).toHaveLength(0)

    await input(page, '#cancel-reason', '下雨，改天再开')
    wx.server.reply('POST', '/meetings/7/cancel', 200, organised({ status: 'cancelled', can: can('manage') }))
    await tap(page, '#cancel-btn')
    await until(() => page.data.meeting.status === 'cancelled')

    expect(posts('/meetings/7/cancel').map(r => r.data)).toEqual([{ reason: '下雨，改天再开' }])
    expect(textOf(page, '#meeting-status')).toBe('已取消')
    expect(page.querySelector('#cancelled-note')).toBeDefined()
    expect(shown(page, ORGANISER_SECTIONS)).toEqual(['#replies-card'])
  })
})
