const { installWx, until, flush } = require('./wx-mock')
const { loadPage, textOf, tap, input, matterBrief } = require('./page-helper')
const api = require('../utils/api')
const matters = require('../utils/matters')
const { formatRelativeTime } = require('../utils/format')

const PAGE = 'pages/matter/matter'

const HOUSEHOLD = { id: 2, community_id: 1, community_name: '东海社区', building_id: 1, building_name: '1幢', unit: '1单元', room: '102', is_head: true }
const RESIDENT = { id: 42, name: '宋永华', roles: [{ role: 'resident', scope_id: 2, scope_name: null }], household: HOUSEHOLD }
const COUNCIL = {
  id: 9,
  name: '田国梅',
  roles: [{ role: 'council_member', scope_id: 1, scope_name: '东海社区' }, { role: 'resident', scope_id: 1, scope_name: null }],
  household: Object.assign({}, HOUSEHOLD, { id: 1 }),
}
const STAFF = { id: 2, name: '王海燕', roles: [{ role: 'staff', scope_id: 1, scope_name: '东海社区' }], household: null }

// 后端 MatterActions（诉求的 can）：names 里的为 true，其余 false
const ACTIONS = ['classify', 'reclassify', 'class_votes', 'assign', 'merge', 'progress', 'resolve', 'escalate', 'evaluate', 'withdraw', 'comment']
function can(...names) {
  return Object.fromEntries(ACTIONS.map(a => [a, names.includes(a)]))
}

const HOUR = 60 * 60 * 1000
function ago(ms) {
  return new Date(Date.now() - ms).toISOString()
}

function event(id, action, fields = {}) {
  return Object.assign({ id, action, status_from: null, status_to: null, matter_class: null, note: '', data: {}, actor_name: '宋永华', created_at: ago((10 - id) * HOUR) }, fields)
}

const TIMELINE = [
  event(1, 'submit', { status_to: 'submitted' }),
  event(2, 'classify', { matter_class: 'minor', note: '公共照明，居委会协调', actor_name: '田国梅', status_from: 'submitted', status_to: 'triaged' }),
  event(3, 'assign', { data: { handler_type: 'grid_worker' }, actor_name: '田国梅', status_from: 'triaged', status_to: 'assigned' }),
  event(4, 'progress', { note: '已联系电工', actor_name: '第一网格网格员', status_from: 'assigned', status_to: 'in_progress' }),
]

// 后端 Matter：MatterBrief 再加详情。mine 和 can 由后端按看的人给出，这里默认不是本户、什么也不能做。
function matter(fields = {}) {
  return matterBrief(31, Object.assign({
    title: '1幢门口路灯不亮',
    created_at: ago(10 * HOUR),
    updated_at: ago(HOUR),
    description: '晚上很黑，老人不敢出门',
    place_text: '1幢门口',
    latitude: null,
    longitude: null,
    household_id: 2,
    submitter_name: '宋永华',
    submitter_phone: '131****5536',
    on_behalf: false,
    mine: false,
    can: can(),
    resolved_at: null,
    handler: null,
    due_date: null,
    merged_into_id: null,
    satisfaction: null,
    evaluation_comment: null,
    text_check_note: null,
    timeline: [event(1, 'submit', { status_to: 'submitted' })],
  }, fields))
}

const IN_PROGRESS = {
  status: 'in_progress',
  status_label: '办理中',
  matter_class: 'minor',
  handler: { type: 'grid_worker', name: null, department_id: null, user_id: 8, team_id: null },
  timeline: TIMELINE,
}
const RESOLVED = {
  status: 'resolved',
  status_label: '已办结',
  matter_class: 'minor',
  handler: IN_PROGRESS.handler,
  resolved_at: ago(2 * HOUR),
  timeline: TIMELINE.concat([event(5, 'resolve', { note: '换了灯泡', actor_name: '第一网格网格员', created_at: ago(2 * HOUR) })]),
}

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(user, m) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
  wx.server.reply('GET', `/matters/${m.id}`, 200, m)
  const page = loadPage(PAGE)
  await page.instance.onLoad({ id: String(m.id) })
  return page
}

const FORMS = ['#evaluate-form', '#classify-form', '#assign-form', '#handle-form', '#merge-form', '#comment-form', '#withdraw-btn']
function shownForms(page) {
  return FORMS.filter(sel => page.querySelector(sel) !== undefined)
}

// 页面上的操作按钮（“按钮 文字”），按页面上的顺序
const BUTTONS = ['#evaluate-btn', '#classify-btn', '#assign-btn', '#progress-btn', '#resolve-btn', '#merge-btn', '#comment-btn', '#withdraw-btn']
function buttons(page) {
  return BUTTONS.filter(sel => page.querySelector(sel) !== undefined).map(sel => `${sel} ${textOf(page, sel)}`)
}

function assignOptions(page) {
  return page.querySelectorAll('#assign-options .chip').map(n => n.dom.textContent.trim())
}

describe('显示', () => {
  test('标题、类别、状态、分类、承办、期限、说明、地点、反映人', async () => {
    const page = await open(RESIDENT, matter({
      status: 'assigned',
      status_label: '已交办',
      matter_class: 'major',
      category: 'illegal_construction',
      category_name: '违章搭建',
      handler: { type: 'department', name: '县住房和城乡建设局', department_id: 2, user_id: null, team_id: null },
      due_date: '2030-12-01',
      on_behalf: true,
    }))

    expect(wx.server.calls('GET', '/matters/31')).toHaveLength(1)
    expect(textOf(page, '#matter-title')).toBe('1幢门口路灯不亮')
    expect(textOf(page, '#matter-status')).toBe('已交办')
    expect(textOf(page, '#matter-category')).toBe('违章搭建')
    expect(textOf(page, '#matter-class')).toBe('大事')
    expect(textOf(page, '#matter-handler')).toBe('职能部门：县住房和城乡建设局')
    expect(textOf(page, '#matter-due')).toBe('2030年12月1日前办好')
    expect(textOf(page, '#matter-description')).toBe('晚上很黑，老人不敢出门')
    expect(textOf(page, '#matter-place')).toBe('1幢 · 1幢门口')
    expect(textOf(page, '#matter-submitter')).toBe('宋永华 131****5536（代为登记）')
  })

  test('类别、大事/小事/私事用后端给的中文名（社区自己加的类别也是），不另读类别', async () => {
    const page = await open(COUNCIL, matter({
      status: 'triaged', status_label: '已分类', matter_class: 'minor', class_label: '小事',
      category: 'ebike_parking', category_name: '电动车停放',
    }))
    expect(textOf(page, '#matter-category')).toBe('电动车停放')
    expect(textOf(page, '#matter-class')).toBe('小事')
    expect(wx.server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /matters/31'])
  })

  test('邻居看到的是后端打了码的反映人；未分类时写“还没有分类”', async () => {
    const page = await open(RESIDENT, matter({ household_id: null, submitter_name: '宋**', submitter_phone: '131****5536' }))
    expect(textOf(page, '#matter-submitter')).toBe('宋** 131****5536')
    expect(textOf(page, '#matter-class')).toBe('还没有分类')
  })

  test('时间线按顺序显示中文说明、备注、操作人和相对时间', async () => {
    const page = await open(RESIDENT, matter(RESOLVED))

    const rows = page.querySelectorAll('#timeline .event')
    expect(rows.map(n => Number(n.dom.getAttribute('data-id')))).toEqual([1, 2, 3, 4, 5])
    const actions = page.querySelectorAll('#timeline .event-action').map(n => n.dom.textContent.trim())
    expect(actions).toEqual(['提交诉求', '分类为“小事”', '交办给网格员', '更新办理进展', '办结'])
    expect(textOf(page, '#event-2')).toContain('公共照明，居委会协调')
    const when = formatRelativeTime(RESOLVED.timeline[1].created_at)
    expect(when).toMatch(/小时前|昨天/)
    expect(textOf(page, '#event-2 .event-meta')).toBe(`田国梅 · ${when}`)
    expect(textOf(page, '#event-5')).toContain('换了灯泡')
    expect(textOf(page, '#event-5 .event-meta')).toContain('第一网格网格员')
  })

  test('重新分类、评议、合并、撤回、内容审核退回的时间线说明', () => {
    expect(matters.eventText(event(1, 'reclassify', { matter_class: 'major', data: { from_class: 'minor' } }))).toBe('由“小事”重新分类为“大事”')
    expect(matters.eventText(event(1, 'accept', { data: { satisfaction: 5 } }))).toBe('评议：5 星')
    expect(matters.eventText(event(1, 'reopen', { data: { satisfaction: 1 } }))).toBe('评议 1 星，不满意，重新办理')
    expect(matters.eventText(event(1, 'merge', { data: { into_id: 12 } }))).toBe('合并到诉求 #12')
    expect(matters.eventText(event(1, 'submit', { data: { on_behalf: true } }))).toBe('代为登记诉求')
    expect(matters.eventText(event(1, 'withdraw'))).toBe('撤回诉求')
    expect(matters.eventText(event(1, 'hold_back', { actor_name: null }))).toBe('内容未通过审核，已退回')
    expect(matters.eventText(event(1, 'comment'))).toBe('留言')
  })

  test('照片：诉求的和时间线上的都显示缩略图（后端给的绝对地址原样用），点了大图预览', async () => {
    const MEDIA = 'https://media.yuanba.example/api/v1/photos'
    const pic = id => ({ id, width: 800, height: 600, url: `${MEDIA}/${id}?sig=s${id}`, thumbnail_url: `${MEDIA}/${id}/thumbnail?sig=s${id}` })
    const page = await open(RESIDENT, matter(Object.assign({}, IN_PROGRESS, {
      photos: [pic(7), pic(8)],
      timeline: TIMELINE.map(e => (e.id === 4 ? Object.assign({}, e, { photos: [pic(9)] }) : e)),
    })))

    expect(page.querySelectorAll('#matter-photos .photo-img')).toHaveLength(2)
    expect(page.data.photos.map(p => p.thumb)).toEqual([`${MEDIA}/7/thumbnail?sig=s7`, `${MEDIA}/8/thumbnail?sig=s8`])
    expect(page.querySelectorAll('#event-4 .event-photo')).toHaveLength(1)
    expect(page.querySelectorAll('#event-2 .event-photo')).toHaveLength(0)

    await tap(page, '#matter-photos .photo-img')
    expect(wx.previewImage).toHaveBeenLastCalledWith({
      urls: [`${MEDIA}/7?sig=s7`, `${MEDIA}/8?sig=s8`],
      current: `${MEDIA}/7?sig=s7`,
    })
    await tap(page, '#event-4 .event-photo')
    expect(wx.previewImage).toHaveBeenLastCalledWith({ urls: [`${MEDIA}/9?sig=s9`], current: `${MEDIA}/9?sig=s9` })
  })

  test('照片万一给的是相对地址：按 API_BASE 的域名补全', async () => {
    const page = await open(RESIDENT, matter({ photos: [{ id: 7, width: 800, height: 600, url: '/api/v1/photos/7?sig=s7', thumbnail_url: '/api/v1/photos/7/thumbnail?sig=s7' }] }))
    expect(page.data.photos).toEqual([{ id: 7, thumb: 'http://127.0.0.1:5000/api/v1/photos/7/thumbnail?sig=s7', url: 'http://127.0.0.1:5000/api/v1/photos/7?sig=s7' }])
  })

  test('已合并：显示合并到哪一条，点了打开那一条', async () => {
    const page = await open(RESIDENT, matter({ status: 'merged', status_label: '已合并', merged_into_id: 12 }))
    expect(textOf(page, '#merged-into')).toContain('#12')
    expect(shownForms(page)).toEqual([])
    await tap(page, '#merged-into')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/matter/matter?id=12' })
  })

  test('诉求不存在（404）：显示后端的说明和“重新加载”', async () => {
    api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: RESIDENT })
    wx.server.reply('GET', '/matters/404', 404, { error: { code: 'not_found', message: '诉求不存在', details: {} } })
    const page = loadPage(PAGE)
    await page.instance.onLoad({ id: '404' })
    expect(textOf(page, '#load-error')).toBe('诉求不存在')
    expect(page.querySelector('#matter-title')).toBeUndefined()
  })
})

describe('操作按后端的 can 显示', () => {
  // can 里的一项 → 它打开的按钮（分类、重新分类共用一个按钮，文字不同）
  const ROWS = [
    ['evaluate', '#evaluate-btn 提交评议'],
    ['classify', '#classify-btn 确定分类'],
    ['reclassify', '#classify-btn 确定重新分类'],
    ['assign', '#assign-btn 确定交办'],
    ['progress', '#progress-btn 更新进展'],
    ['resolve', '#resolve-btn 已办好，办结'],
    ['merge', '#merge-btn 合并'],
    ['comment', '#comment-btn 发送留言'],
    ['withdraw', '#withdraw-btn 撤回这件诉求'],
  ]
  // 状态、角色、mine 都和按钮“对不上”：页面只看 can
  const ANY = { status: 'in_progress', status_label: '办理中', matter_class: 'minor', mine: false }

  test.each(ROWS)('只有 %s 为 true：只显示它的按钮', async (flag, button) => {
    const page = await open(RESIDENT, matter(Object.assign({}, ANY, { can: can(flag) })))
    expect(buttons(page)).toEqual([button])
  })

  test.each(ROWS)('只有 %s 为 false：不显示它的按钮', async (flag, button) => {
    const page = await open(STAFF, matter(Object.assign({}, ANY, { can: can(...ACTIONS.filter(a => a !== flag)) })))
    // 分类、重新分类都为 true 时（后端不会这样给）显示分类
    const rest = ROWS.filter(([f]) => f !== flag && !(f === 'reclassify' && flag !== 'classify')).map(([, shown]) => shown)
    expect(buttons(page)).toEqual(rest)
    expect(rest).not.toContain(button)
  })

  test('全部为 false：一个操作也没有，角色再大也一样', async () => {
    const page = await open(STAFF, matter({ status: 'submitted', can: can() }))
    expect(shownForms(page)).toEqual([])
  })

  test('后端没给 can（旧版后端）：一个操作也不显示，不按角色猜', async () => {
    const m = matter({ status: 'submitted', mine: true })
    delete m.can
    const page = await open(COUNCIL, m)
    expect(textOf(page, '#matter-title')).toBe('1幢门口路灯不亮')
    expect(shownForms(page)).toEqual([])
    expect(buttons(page)).toEqual([])
  })

  test('进展、办结共用“办理情况”：只能更新进展时没有办结按钮', async () => {
    const page = await open(RESIDENT, matter(Object.assign({}, IN_PROGRESS, { can: can('progress') })))
    expect(shownForms(page)).toEqual(['#handle-form'])
    expect(page.querySelector('#resolve-btn')).toBeUndefined()
  })
})

describe('评议、撤回、留言', () => {
  const EVALUATE = Object.assign({}, RESOLVED, { can: can('evaluate', 'comment') })

  test('写明 7 天内评 1–2 星会重新办理', async () => {
    const page = await open(RESIDENT, matter(EVALUATE))
    expect(shownForms(page)).toEqual(['#evaluate-form', '#comment-form'])
    expect(textOf(page, '#reopen-hint')).toBe('办结后 7 天内评 1–2 星，这件事会退回重新办理。')
  })

  test('办结超过 7 天：说明评议后就结束了', async () => {
    const old = Object.assign({}, EVALUATE, {
      resolved_at: ago(8 * 24 * HOUR),
      timeline: TIMELINE.concat([event(5, 'resolve', { created_at: ago(8 * 24 * HOUR) })]),
    })
    const page = await open(RESIDENT, matter(old))
    expect(textOf(page, '#reopen-hint')).toBe('已办结超过 7 天，评议后这件事就结束了。')
  })

  test('7 天从后端给的 resolved_at 算起，不看时间线', async () => {
    const recent = await open(RESIDENT, matter(Object.assign({}, EVALUATE, { resolved_at: ago(6 * 24 * HOUR), timeline: [event(1, 'submit')] })))
    expect(textOf(recent, '#reopen-hint')).toBe('办结后 7 天内评 1–2 星，这件事会退回重新办理。')

    const old = await open(RESIDENT, matter(Object.assign({}, EVALUATE, { resolved_at: ago(7 * 24 * HOUR + HOUR) })))
    expect(textOf(old, '#reopen-hint')).toBe('已办结超过 7 天，评议后这件事就结束了。')
  })

  test('评议：点 2 颗星出现“会重新办理”的警示，提交分数和评语，页面换成后端返回的状态和 can', async () => {
    const page = await open(RESIDENT, matter(EVALUATE))
    await tap(page, '#evaluate-btn')
    expect(textOf(page, '#form-error')).toBe('请先点星星打分')
    expect(wx.server.calls('POST', '/matters/31/evaluate')).toHaveLength(0)

    await tap(page, '#star-2')
    expect(page.querySelectorAll('.star-on')).toHaveLength(2)
    expect(page.querySelector('#reopen-hint').dom.className).toContain('warn')
    await input(page, '#eval-comment', '  灯还是时亮时不亮 ')
    wx.server.reply('POST', '/matters/31/evaluate', 200, matter(Object.assign({}, RESOLVED, {
      status: 'in_progress', status_label: '办理中', satisfaction: 2, evaluation_comment: '灯还是时亮时不亮', resolved_at: null,
      timeline: RESOLVED.timeline.concat([event(6, 'reopen', { data: { satisfaction: 2 }, note: '灯还是时亮时不亮' })]),
      can: can('comment'),
    })))

    await tap(page, '#evaluate-btn')
    await until(() => page.data.matter.status === 'in_progress')

    expect(wx.server.calls('POST', '/matters/31/evaluate')[0].data).toEqual({ satisfaction: 2, comment: '灯还是时亮时不亮' })
    expect(textOf(page, '#matter-status')).toBe('办理中')
    expect(textOf(page, '#event-6')).toContain('评议 2 星，不满意，重新办理')
    expect(textOf(page, '#matter-evaluation')).toContain('★★☆☆☆')
    expect(shownForms(page)).toEqual(['#comment-form'])
  })

  test('撤回：先确认，再 POST withdraw；按后端返回的 can 收起按钮', async () => {
    const page = await open(RESIDENT, matter({ can: can('withdraw', 'comment') }))
    wx.server.reply('POST', '/matters/31/withdraw', 200, matter({ status: 'withdrawn', status_label: '已撤回', can: can() }))
    await tap(page, '#withdraw-btn')
    await until(() => page.data.matter.status === 'withdrawn' && !page.data.busy)

    expect(wx.showModal).toHaveBeenCalledTimes(1)
    expect(wx.server.calls('POST', '/matters/31/withdraw')[0].data).toEqual({ note: '' })
    expect(textOf(page, '#matter-status')).toBe('已撤回')
    expect(shownForms(page)).toEqual([])
  })

  test('撤回时取消确认：不请求', async () => {
    const page = await open(RESIDENT, matter({ can: can('withdraw') }))
    wx.modalConfirm = false
    await page.instance.onWithdraw()
    expect(wx.server.calls('POST', '/matters/31/withdraw')).toHaveLength(0)
  })

  test('留言：空的不发；发出后清空输入框', async () => {
    const page = await open(RESIDENT, matter({ can: can('comment') }))
    await tap(page, '#comment-btn')
    expect(wx.server.calls('POST', '/matters/31/comments')).toHaveLength(0)

    await input(page, '#comment-input', '晚上七点以后最黑')
    wx.server.reply('POST', '/matters/31/comments', 200, matter({ can: can('comment'), timeline: [event(1, 'submit'), event(2, 'comment', { note: '晚上七点以后最黑' })] }))
    await tap(page, '#comment-btn')
    await until(() => page.querySelector('#event-2') !== undefined)
    expect(wx.server.calls('POST', '/matters/31/comments')[0].data).toEqual({ note: '晚上七点以后最黑' })
    expect(page.data.commentText).toBe('')
  })
})

describe('分类、交办、合并', () => {
  const TRIAGED = { status: 'triaged', status_label: '已分类', can: can('reclassify', 'assign', 'merge', 'comment') }

  test('分类：三个选项；要写理由；分成大事后按返回的 can 重新分类、交办（只能选职能部门，要选部门和期限）', async () => {
    const page = await open(COUNCIL, matter({ can: can('classify', 'merge', 'comment') }))
    expect(shownForms(page)).toEqual(['#classify-form', '#merge-form', '#comment-form'])
    const options = page.querySelectorAll('#classify-form .option-label').map(n => n.dom.textContent.trim())
    expect(options).toEqual(['大事', '小事', '私事'])

    await tap(page, '#class-major')
    await tap(page, '#classify-btn')
    expect(textOf(page, '#form-error')).toContain('理由')
    expect(wx.server.calls('POST', '/matters/31/classify')).toHaveLength(0)

    await input(page, '#classify-reason', '涉及违章搭建，需城管处理')
    wx.server.reply('POST', '/matters/31/classify', 200, matter(Object.assign({}, TRIAGED, { matter_class: 'major' })))
    wx.server.reply('GET', '/departments', 200, { items: [{ id: 1, name: '县综合行政执法局（城管）' }, { id: 2, name: '县住房和城乡建设局' }], next_cursor: null })
    await tap(page, '#classify-btn')
    await until(() => page.data.departments.length === 2)

    expect(wx.server.calls('POST', '/matters/31/classify')[0].data).toEqual({ matter_class: 'major', reason: '涉及违章搭建，需城管处理' })
    expect(textOf(page, '#classify-btn')).toBe('确定重新分类')
    expect(assignOptions(page)).toEqual(['职能部门'])
    expect(page.querySelector('#department-picker')).toBeDefined()
    expect(page.querySelector('#due-date-picker')).toBeDefined()
    expect(wx.server.calls('GET', '/departments')[0].query).toEqual({ limit: '100' })

    await tap(page, '#assign-btn')
    expect(textOf(page, '#form-error')).toBe('请选承办的职能部门')
    page.querySelector('#department-picker').dispatchEvent('change', { detail: { value: '1' } })
    await flush()
    await tap(page, '#assign-btn')
    expect(textOf(page, '#form-error')).toBe('请选办理期限')
    page.querySelector('#due-date-picker').dispatchEvent('change', { detail: { value: '2030-06-30' } })
    await flush()

    wx.server.reply('POST', '/matters/31/assign', 200, matter({
      status: 'assigned', status_label: '已交办', matter_class: 'major', due_date: '2030-06-30',
      handler: { type: 'department', name: '县住房和城乡建设局', department_id: 2, user_id: null, team_id: null },
      can: can('reclassify', 'assign', 'comment'),
    }))
    await tap(page, '#assign-btn')
    await until(() => page.data.matter.status === 'assigned')
    expect(wx.server.calls('POST', '/matters/31/assign')[0].data).toEqual({
      handler_type: 'department', note: '', department_id: 2, due_date: '2030-06-30',
    })
    expect(textOf(page, '#matter-handler')).toBe('职能部门：县住房和城乡建设局')
    expect(shownForms(page)).toEqual(['#classify-form', '#assign-form', '#comment-form'])
    expect(wx.server.unexpected).toEqual([])
  })

  test('小事：交办给居委会 / 网格员 / 居民小组；网格员要填编号', async () => {
    const page = await open(STAFF, matter(Object.assign({}, TRIAGED, { matter_class: 'minor' })))
    expect(assignOptions(page)).toEqual(['居委会', '网格员', '居民小组'])
    expect(page.querySelector('#department-picker')).toBeUndefined()

    await tap(page, '#handler-grid_worker')
    await tap(page, '#assign-btn')
    expect(textOf(page, '#form-error')).toBe('请填网格员的用户编号')
    await input(page, '#grid-worker-input', '8')
    await input(page, '#assign-note', '请本周内处理')
    wx.server.reply('POST', '/matters/31/assign', 200, matter(Object.assign({}, IN_PROGRESS, { status: 'assigned', status_label: '已交办' })))
    await tap(page, '#assign-btn')
    await until(() => wx.server.calls('POST', '/matters/31/assign').length === 1)
    expect(wx.server.calls('POST', '/matters/31/assign')[0].data).toEqual({ handler_type: 'grid_worker', note: '请本周内处理', user_id: 8 })
  })

  test('私事：交办给居民自己 / 义工队 / 市场服务；义工队从本社区读取', async () => {
    const page = await open(COUNCIL, matter(Object.assign({}, TRIAGED, { matter_class: 'private' })))
    expect(assignOptions(page)).toEqual(['居民自己', '义工队', '市场服务'])

    wx.server.reply('GET', '/communities/1/volunteer-teams', 200, { items: [{ id: 1, name: '金色港湾义工队', description: '每月25日上门看望独居老人' }], next_cursor: null })
    await tap(page, '#handler-volunteer_team')
    await until(() => page.querySelector('#team-1') !== undefined)
    expect(textOf(page, '#team-1')).toContain('金色港湾义工队')
    await tap(page, '#team-1')
    wx.server.reply('POST', '/matters/31/assign', 200, matter({ status: 'assigned', status_label: '已交办', matter_class: 'private' }))
    await tap(page, '#assign-btn')
    await until(() => wx.server.calls('POST', '/matters/31/assign').length === 1)
    expect(wx.server.calls('POST', '/matters/31/assign')[0].data).toEqual({ handler_type: 'volunteer_team', note: '', team_id: 1 })

    // 市场服务要填名称
    const again = await open(COUNCIL, matter(Object.assign({}, TRIAGED, { matter_class: 'private' })))
    await tap(again, '#handler-market')
    await tap(again, '#assign-btn')
    expect(textOf(again, '#form-error')).toBe('请填市场服务的名称')
  })

  test('重新分类：不再提供原来的分类，走 reclassify', async () => {
    const page = await open(COUNCIL, matter(Object.assign({}, IN_PROGRESS, { status: 'assigned', status_label: '已交办', can: can('reclassify', 'assign') })))
    const options = page.querySelectorAll('#classify-form .option-label').map(n => n.dom.textContent.trim())
    expect(options).toEqual(['大事', '私事'])

    await tap(page, '#class-major')
    await input(page, '#classify-reason', '现场看是违章搭建')
    wx.server.reply('POST', '/matters/31/reclassify', 200, matter(Object.assign({}, TRIAGED, { matter_class: 'major' })))
    wx.server.reply('GET', '/departments', 200, { items: [], next_cursor: null })
    await tap(page, '#classify-btn')
    await until(() => page.data.matter.matterClass === 'major')
    expect(wx.server.calls('POST', '/matters/31/reclassify')[0].data).toEqual({ matter_class: 'major', reason: '现场看是违章搭建' })
    expect(wx.server.calls('POST', '/matters/31/classify')).toHaveLength(0)
    expect(assignOptions(page)).toEqual(['职能部门'])
  })

  test('合并：填编号、确认后 POST merge', async () => {
    const page = await open(COUNCIL, matter({ can: can('classify', 'merge') }))
    await input(page, '#merge-into-input', '12')
    wx.server.reply('POST', '/matters/31/merge', 200, matter({ status: 'merged', status_label: '已合并', merged_into_id: 12 }))
    await tap(page, '#merge-btn')
    await until(() => page.data.matter.status === 'merged' && !page.data.busy)
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '合并重复诉求' }))
    expect(wx.server.calls('POST', '/matters/31/merge')[0].data).toEqual({ into_id: 12, note: '' })
    expect(textOf(page, '#merged-into')).toContain('#12')
    expect(shownForms(page)).toEqual([])
  })

  test('别人刚刚已经分类（409）：弹出后端说明，并重新读取诉求，按新的 can 显示', async () => {
    const page = await open(COUNCIL, matter({ can: can('classify') }))
    await tap(page, '#class-minor')
    await input(page, '#classify-reason', '公共照明')
    wx.server.reply('POST', '/matters/31/classify', 409, { error: { code: 'invalid_transition', message: '诉求已分类，不能分类', details: {} } })
    wx.server.reply('GET', '/matters/31', 200, matter(Object.assign({}, TRIAGED, { matter_class: 'minor' })))
    await page.instance.onClassify()

    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '诉求已分类，不能分类' }))
    expect(wx.server.calls('GET', '/matters/31')).toHaveLength(2)
    expect(textOf(page, '#matter-status')).toBe('已分类')
    expect(textOf(page, '#classify-btn')).toBe('确定重新分类')
  })
})

describe('承办：进展、办结', () => {
  test('更新进展要写内容；办结先确认，之后按返回的 can 收起办理', async () => {
    const page = await open(RESIDENT, matter(Object.assign({}, IN_PROGRESS, { can: can('progress', 'resolve', 'comment') })))
    await tap(page, '#progress-btn')
    expect(textOf(page, '#form-error')).toBe('请写明办理进展')

    await input(page, '#handle-note', '电工明天来')
    wx.server.reply('POST', '/matters/31/progress', 200, matter(Object.assign({}, IN_PROGRESS, { can: can('progress', 'resolve', 'comment') })))
    await tap(page, '#progress-btn')
    await until(() => wx.server.calls('POST', '/matters/31/progress').length === 1)
    expect(wx.server.calls('POST', '/matters/31/progress')[0].data).toEqual({ note: '电工明天来' })

    await until(() => page.data.busy === '')
    await input(page, '#handle-note', '灯修好了')
    wx.server.reply('POST', '/matters/31/resolve', 200, matter(Object.assign({}, RESOLVED, { can: can('comment') })))
    await tap(page, '#resolve-btn')
    await until(() => page.data.matter.status === 'resolved' && !page.data.busy)
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '办结' }))
    expect(wx.server.calls('POST', '/matters/31/resolve')[0].data).toEqual({ note: '灯修好了' })
    expect(textOf(page, '#matter-status')).toBe('已办结')
    expect(shownForms(page)).toEqual(['#comment-form'])
  })
})

describe('议事会表决分类、上报街道', () => {
  const COUNCIL_LIST = { items: [{ user_id: 9, name: '田国梅' }, { user_id: 10, name: '李建国' }, { user_id: 11, name: null }] }

  test('逐位成员点选，再点一次取消；发出每人的票和理由（带幂等键），页面换成返回的诉求', async () => {
    wx.server.reply('GET', '/communities/1/council-members', 200, COUNCIL_LIST)
    const page = await open(COUNCIL, matter({ can: can('class_votes', 'classify') }))
    await until(() => page.data.council.length === 3)
    expect(textOf(page, '#council-11')).toContain('成员 11')

    await tap(page, '#class-votes-btn')
    expect(textOf(page, '#form-error')).toBe('请记下每位成员投的是大事、小事还是私事')
    await tap(page, '#vote-9-minor')
    await tap(page, '#vote-10-major')
    await tap(page, '#vote-11-minor')
    await tap(page, '#vote-10-major')
    await tap(page, '#vote-10-minor')
    await tap(page, '#class-votes-btn')
    expect(textOf(page, '#form-error')).toBe('请写明表决的理由（至少 2 个字）')

    await input(page, '#vote-reason-input', '公共照明')
    wx.server.reply('POST', '/matters/31/class-votes', 200, matter({ status: 'triaged', status_label: '已分类', matter_class: 'minor', can: can('assign') }))
    await tap(page, '#class-votes-btn')
    await until(() => page.data.matter.matterClass === 'minor' && !page.data.busy)
    const [sent] = wx.server.calls('POST', '/matters/31/class-votes')
    expect(sent.data).toEqual({
      votes: [{ user_id: 9, matter_class: 'minor' }, { user_id: 10, matter_class: 'minor' }, { user_id: 11, matter_class: 'minor' }],
      reason: '公共照明',
    })
    expect(sent.header['Idempotency-Key']).toBeTruthy()
    expect(page.querySelector('#class-votes-form')).toBeUndefined()
  })

  test('票数相同（409）：弹出后端说明，重新读取', async () => {
    wx.server.reply('GET', '/communities/1/council-members', 200, COUNCIL_LIST)
    const page = await open(COUNCIL, matter({ can: can('class_votes') }))
    await until(() => page.data.council.length === 3)
    await tap(page, '#vote-9-minor')
    await tap(page, '#vote-10-major')
    await input(page, '#vote-reason-input', '再议')
    wx.server.reply('POST', '/matters/31/class-votes', 409, { error: { code: 'tied_vote', message: '票数相同，未能决定，请再议', details: {} } })
    wx.server.reply('GET', '/matters/31', 200, matter({ can: can('class_votes') }))
    await page.instance.onClassVotes()
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '票数相同，未能决定，请再议' }))
    expect(wx.server.calls('GET', '/matters/31')).toHaveLength(2)
  })

  test('没有 class_votes、escalate 时不显示，也不读议事会名单', async () => {
    const page = await open(COUNCIL, matter({ can: can('classify') }))
    expect(page.querySelector('#class-votes-form')).toBeUndefined()
    expect(page.querySelector('#escalate-form')).toBeUndefined()
    expect(wx.server.calls('GET', '/communities/1/council-members')).toHaveLength(0)
  })

  test('上报街道：要写原因，确认后 POST escalate { note }', async () => {
    const page = await open(STAFF, matter(Object.assign({}, IN_PROGRESS, { can: can('escalate', 'comment') })))
    await tap(page, '#escalate-btn')
    expect(textOf(page, '#form-error')).toBe('请写明为什么上报街道')
    await input(page, '#escalate-note', '超期十天没人管')
    wx.server.reply('POST', '/matters/31/escalate', 200, matter(Object.assign({}, IN_PROGRESS, { can: can('comment') })))
    await tap(page, '#escalate-btn')
    await until(() => wx.server.calls('POST', '/matters/31/escalate').length === 1 && !page.data.busy)
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '上报街道' }))
    expect(wx.server.calls('POST', '/matters/31/escalate')[0].data).toEqual({ note: '超期十天没人管' })
    expect(page.querySelector('#escalate-form')).toBeUndefined()
  })
})

describe('内容审核', () => {
  const CHECKING = {
    text_check: 'checking',
    text_check_label: '内容审核中',
    text_check_note: '内容审核通过后，邻居和议事会才能看到这件诉求，一般只要几秒钟',
    mine: true,
    can: can('withdraw', 'comment'),
  }
  const RISKY = {
    status: 'withdrawn',
    status_label: '已撤回',
    text_check: 'risky',
    text_check_label: '未通过内容审核',
    text_check_note: '内容可能含有不适宜公开的信息，请修改后重新反映',
    mine: true,
    timeline: [
      event(1, 'submit', { status_to: 'submitted' }),
      event(2, 'hold_back', { status_from: 'submitted', status_to: 'withdrawn', actor_name: null, note: '内容可能含有不适宜公开的信息，请修改后重新反映' }),
    ],
  }

  test('审核中：写“内容审核中”和后端的说明，提示下拉刷新；状态照常', async () => {
    const page = await open(RESIDENT, matter(CHECKING))
    expect(textOf(page, '#text-check-label')).toBe('内容审核中')
    expect(textOf(page, '#text-check-note')).toBe('内容审核通过后，邻居和议事会才能看到这件诉求，一般只要几秒钟')
    expect(textOf(page, '#text-check')).toContain('下拉可以刷新')
    expect(page.querySelector('#text-check').dom.className).toContain('text-check-checking')
    expect(textOf(page, '#matter-status')).toBe('待分类')
    expect(page.querySelector('#report-again-btn')).toBeUndefined()
  })

  test('没通过：写明原因，本户的可以“重新反映”；时间线写“内容未通过审核，已退回”', async () => {
    const page = await open(RESIDENT, matter(RISKY))
    expect(textOf(page, '#text-check-label')).toBe('未通过内容审核')
    expect(textOf(page, '#text-check-note')).toBe('内容可能含有不适宜公开的信息，请修改后重新反映')
    expect(textOf(page, '#text-check')).not.toContain('下拉可以刷新')
    expect(textOf(page, '#matter-status')).toBe('已撤回')
    const actions = page.querySelectorAll('#timeline .event-action').map(n => n.dom.textContent.trim())
    expect(actions).toEqual(['提交诉求', '内容未通过审核，已退回'])
    expect(textOf(page, '#event-2')).toContain('请修改后重新反映')

    await tap(page, '#report-again-btn')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/matter-new/matter-new' })
  })

  test('社区工作人员看没通过的：有说明，没有“重新反映”', async () => {
    const page = await open(STAFF, matter(Object.assign({}, RISKY, { mine: false })))
    expect(textOf(page, '#text-check-label')).toBe('未通过内容审核')
    expect(page.querySelector('#report-again-btn')).toBeUndefined()
  })

  test('审核通过、或微信没给结论（unchecked）：不显示审核提示', async () => {
    for (const check of ['passed', 'unchecked']) {
      const page = await open(RESIDENT, matter({ text_check: check, mine: true }))
      expect(page.querySelector('#text-check')).toBeUndefined()
    }
  })
})
