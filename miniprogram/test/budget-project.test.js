// 预算项目（pages/budget/project）：审议结果、进展和照片、花了多少、监委会验收、群众评议；操作只看后端的 can。
const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap, input } = require('./page-helper')
const { RESIDENT, HEAD, SUPERVISOR, login, project, publicLine, photo } = require('./money-fixtures')

const PAGE = 'pages/budget/project'
const NONE = { withdraw: false, review: false, update: false, sign_off: false, evaluate: false }
const can = (...names) => Object.assign({}, NONE, Object.fromEntries(names.map(n => [n, true])))

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(user, p, spending) {
  login(user)
  wx.server.reply('GET', `/budget-projects/${p.id}`, 200, p)
  if (spending) wx.server.reply('GET', `/budget-projects/${p.id}/spending`, 200, spending)
  const page = loadPage(PAGE)
  await page.instance.onLoad({ id: String(p.id) })
  return page
}

const SPENDING = { cost_fen: 280000, spent_fen: 265450, entries: [publicLine(14)] }

test('实施中：审议结果、赞成户数和入选说明、进展和照片、花了多少和发票', async () => {
  const p = project(4, {
    matter_id: 31,
    updates: [
      { id: 2, text: '地砖铺了一半', percent: 50, completes: false, photos: [photo(81), photo(82)], posted_by: { id: 2, name: '王海燕' }, created_at: new Date().toISOString() },
    ],
  })
  const page = await open(RESIDENT, p, SPENDING)
  expect(textOf(page, '#project-title')).toBe('院坝铺地砖')
  expect(textOf(page, '#project-status')).toBe('获资助，实施中')
  expect(textOf(page, '#project-head')).toContain('提议人：宋永华')
  expect(textOf(page, '#project-head')).toContain('提议人估计：3000.00 元')
  expect(textOf(page, '#review')).toBe('审议通过，预算 2800.00 元：可行')
  expect(textOf(page, '#result')).toContain('80 户赞成')
  expect(textOf(page, '#result')).toContain('按赞成户数排第 1')
  expect(textOf(page, '#update-2')).toContain('地砖铺了一半')
  expect(textOf(page, '#update-2')).toContain('进度 50%')
  expect(textOf(page, '#spending-summary')).toBe('已花 2654.50 元 / 预算 2800.00 元')
  expect(textOf(page, '#spending')).toContain('−2654.50 元')
  expect(textOf(page, '#spending')).toContain('蜀光五金店 · 院坝地砖')

  await tap(page, '#update-2 .photo-img')
  expect(wx.previewImage).toHaveBeenLastCalledWith({ urls: ['https://yb.example/media/81.jpg', 'https://yb.example/media/82.jpg'], current: 'https://yb.example/media/81.jpg' })
  await tap(page, '#spending .photo-img')
  expect(wx.previewImage).toHaveBeenLastCalledWith({ urls: ['https://yb.example/media/84.jpg'], current: 'https://yb.example/media/84.jpg' })
  await tap(page, '#matter-link')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/matter/matter?id=31' })

  // can 全是 false：没有操作
  for (const sel of ['#withdraw-btn', '#sign-off-form', '#evaluate-form']) expect(page.querySelector(sel)).toBeUndefined()
  expect(wx.server.unexpected).toEqual([])
})

test('按五议三不议不议：写明是哪一条和理由；没有花费可读', async () => {
  const page = await open(RESIDENT, project(5, {
    status: 'refused', status_label: '未通过审议', cost_fen: null, approvals: null, explanation: null,
    review_reason: '按“涉及个人利益的不议”不议：给物业发奖金属于物业合同的事', agenda_rule: { id: 2, title: '涉及个人利益的不议' },
  }))
  expect(textOf(page, '#review')).toBe('未通过审议：按“涉及个人利益的不议”不议：给物业发奖金属于物业合同的事')
  expect(wx.server.calls('GET', '/budget-projects/5/spending')).toHaveLength(0)
  expect(page.querySelector('#spending')).toBeUndefined()
})

test('提议人撤回（can.withdraw）：先确认，再撤回', async () => {
  const page = await open(RESIDENT, project(6, { status: 'proposed', status_label: '待审议', cost_fen: null, reviewed_at: null, approvals: null, explanation: null, can: can('withdraw') }))
  wx.server.reply('POST', '/budget-projects/6/withdraw', 200, project(6, { status: 'withdrawn', status_label: '已撤回', cost_fen: null, approvals: null, explanation: null }))
  await page.instance.onWithdraw()
  expect(wx.showModal.mock.calls[0][0].title).toBe('撤回提议')
  expect(wx.server.calls('POST', '/budget-projects/6/withdraw')).toHaveLength(1)
  expect(textOf(page, '#project-status')).toBe('已撤回')
  expect(page.querySelector('#withdraw-btn')).toBeUndefined()
})

test('监委会验收（can.sign_off）：验收通过；不通过要写明整改什么', async () => {
  const completed = { status: 'completed', status_label: '已完工，待验收', completed_at: new Date().toISOString() }
  let page = await open(SUPERVISOR, project(4, Object.assign({}, completed, { can: can('sign_off') })), SPENDING)
  expect(textOf(page, '#sign-off-state')).toBe('已完工，等待监委会验收')
  wx.server.reply('POST', '/budget-projects/4/sign-off', 200, project(4, { status: 'signed_off', status_label: '已验收', sign_off_note: '' }))
  wx.server.reply('GET', '/budget-projects/4/spending', 200, SPENDING)
  await page.instance.onSignOff()
  expect(wx.server.calls('POST', '/budget-projects/4/sign-off').map(r => r.data)).toEqual([{ accepted: true, note: '' }])
  expect(wx.server.calls('POST', '/budget-projects/4/sign-off')[0].header['Idempotency-Key']).toBeUndefined()
  expect(textOf(page, '#sign-off-state')).toBe('✓ 监委会已验收')
  expect(page.querySelector('#sign-off-form')).toBeUndefined()

  page = await open(SUPERVISOR, project(4, Object.assign({}, completed, { can: can('sign_off') })), SPENDING)
  await tap(page, '#open-refuse-btn')
  await page.instance.onRefuseSignOff()
  expect(textOf(page, '#form-error')).toBe('请写明哪里没办好、要怎么整改')
  await input(page, '#sign-off-note', '东边一块地砖松了')
  wx.server.reply('POST', '/budget-projects/4/sign-off', 200, project(4, { sign_off_note: '东边一块地砖松了' }))
  wx.server.reply('GET', '/budget-projects/4/spending', 200, SPENDING)
  await page.instance.onRefuseSignOff()
  expect(wx.server.calls('POST', '/budget-projects/4/sign-off').map(r => r.data)[1]).toEqual({ accepted: false, note: '东边一块地砖松了' })
  expect(textOf(page, '#sign-off-state')).toBe('监委会验收没有通过，正在整改：东边一块地砖松了')
})

test('群众评议（can.evaluate）：先点星星；提交后显示本户的评议；已经评过（409）写出说明并重新读取', async () => {
  const signedOff = { status: 'signed_off', status_label: '已验收', evaluation: { count: 3, average: 4.333 } }
  const page = await open(RESIDENT, project(4, Object.assign({}, signedOff, { can: can('evaluate') })), SPENDING)
  expect(textOf(page, '#evaluation')).toContain('3 户评议，平均 4.3 星')
  await page.instance.onEvaluate()
  expect(textOf(page, '#form-error')).toBe('请先点星星：1 星很不满意，5 星很满意')

  await tap(page, '#star-4')
  await input(page, '#comment-input', ' 下雨天好走了 ')
  wx.server.reply('POST', '/budget-projects/4/evaluations', 201, project(4, Object.assign({}, signedOff, {
    evaluation: { count: 4, average: 4.25 }, my_evaluation: { rating: 4, comment: '下雨天好走了' },
  })))
  wx.server.reply('GET', '/budget-projects/4/spending', 200, SPENDING)
  await page.instance.onEvaluate()
  expect(wx.server.calls('POST', '/budget-projects/4/evaluations').map(r => r.data)).toEqual([{ rating: 4, comment: '下雨天好走了' }])
  expect(textOf(page, '#my-evaluation')).toContain('★★★★☆')
  expect(textOf(page, '#my-evaluation')).toContain('下雨天好走了')
  expect(page.querySelector('#evaluate-form')).toBeUndefined()

  const again = await open(RESIDENT, project(4, Object.assign({}, signedOff, { can: can('evaluate') })), SPENDING)
  await tap(again, '#star-5')
  wx.server.reply('POST', '/budget-projects/4/evaluations', 409, { error: { code: 'already_evaluated', message: '本户已经评议过这个项目' } })
  wx.server.reply('GET', '/budget-projects/4', 200, project(4, Object.assign({}, signedOff, { my_evaluation: { rating: 3, comment: '' } })))
  wx.server.reply('GET', '/budget-projects/4/spending', 200, SPENDING)
  await again.instance.onEvaluate()
  await until(() => again.data.project.myEvaluation)
  expect(textOf(again, '#form-error')).toBe('本户已经评议过这个项目')
  expect(again.querySelector('#evaluate-form')).toBeUndefined()
})

test('别人替本户评的：本户的评议写明由谁代办', async () => {
  const page = await open(RESIDENT, project(4, { status: 'signed_off', status_label: '已验收', evaluation: { count: 1, average: 5 },
    my_evaluation: { rating: 5, comment: '', acting_label: '由张大爷（楼栋长）代办' } }), SPENDING)
  expect(textOf(page, '#my-evaluation')).toContain('★★★★★')
  expect(textOf(page, '#my-evaluation')).toContain('（由张大爷（楼栋长）代办）')
})

describe('替住户评议（验收以后，照看住户的和有权利的家人代办）', () => {
  const { household, pickHousehold } = require('./acting-fixtures')
  const signedOff = { status: 'signed_off', status_label: '已验收', evaluation: { count: 3, average: 4.333 } }

  test('楼栋长选一户、点星星、确认后替这户评：带 on_behalf_of_household_id，重试用同一个幂等键', async () => {
    const page = await open(HEAD, project(4, signedOff), SPENDING)
    wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(1, { head_name: '李奶奶' })], next_cursor: null })
    await tap(page, '#act-start-btn')
    await pickHousehold(page, 'act-picker', 1)
    expect(textOf(page, '#act-card .subtitle')).toBe('替 3幢 1单元 101室（李奶奶） 评议')

    await page.instance.onActEvaluate()
    expect(textOf(page, '#act-error')).toBe('请先点星星：1 星很不满意，5 星很满意')
    expect(wx.server.calls('POST', '/budget-projects/4/evaluations')).toHaveLength(0)

    await tap(page, '#act-star-5')
    await input(page, '#act-comment-input', ' 路平了，晚上走着放心 ')
    wx.server.reply('POST', '/budget-projects/4/evaluations', 403, { error: { code: 'forbidden', message: '这户不归您照看' } })
    await page.instance.onActEvaluate()
    expect(wx.showModal.mock.calls[0][0].content).toContain('替 3幢 1单元 101室（李奶奶） 评 5 星，说：路平了，晚上走着放心')
    expect(textOf(page, '#act-error')).toBe('这户不归您照看')

    wx.server.reply('POST', '/budget-projects/4/evaluations', 200, project(4, Object.assign({}, signedOff, { evaluation: { count: 4, average: 4.5 } })))
    wx.server.reply('GET', '/budget-projects/4/spending', 200, SPENDING)
    await page.instance.onActEvaluate()
    const sent = wx.server.calls('POST', '/budget-projects/4/evaluations')
    expect(sent.map(r => r.data)).toEqual([1, 2].map(() => ({ rating: 5, comment: '路平了，晚上走着放心', on_behalf_of_household_id: 1 })))
    expect(sent[0].header['Idempotency-Key']).toBeTruthy()
    expect(sent[1].header['Idempotency-Key']).toBe(sent[0].header['Idempotency-Key'])
    expect(textOf(page, '#act-done')).toBe('✓ 已替 3幢 1单元 101室（李奶奶） 评议')
    expect(textOf(page, '#evaluation')).toContain('4 户评议，平均 4.5 星')
    expect(page.querySelector('#act-card')).toBeUndefined()
    expect(page.querySelector('#act-start-btn')).toBeDefined()
    expect(page.querySelector('#my-evaluation')).toBeUndefined()  // 本户的评议没有变成这户的
  })

  test('这户已经评过（409）：写明是这户，不是本户；换一户、不代办了都能退回', async () => {
    const page = await open(HEAD, project(4, signedOff), SPENDING)
    wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(2)], next_cursor: null })
    await tap(page, '#act-start-btn')
    await pickHousehold(page, 'act-picker', 2)
    await tap(page, '#act-star-3')
    wx.server.reply('POST', '/budget-projects/4/evaluations', 409, { error: { code: 'already_evaluated', message: '本户已经评议过这个项目' } })
    await page.instance.onActEvaluate()
    expect(textOf(page, '#act-error')).toBe('这户已经评议过这个项目')
    expect(page.querySelector('#act-card')).toBeDefined()

    wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(2)], next_cursor: null })
    await tap(page, '#act-switch-btn')
    expect(page.querySelector('#act-picker')).toBeDefined()
    await page.instance.onStopActing()
    expect(page.querySelector('#act-card')).toBeUndefined()
    expect(page.querySelector('#act-start-btn')).toBeDefined()
  })

  test('验收以前、不照看住户也不替谁代办的居民：没有“替住户评议”', async () => {
    let page = await open(HEAD, project(4, { status: 'completed', status_label: '已完工，待验收' }), SPENDING)
    expect(page.querySelector('#act-start-btn')).toBeUndefined()
    page = await open(RESIDENT, project(4, Object.assign({}, signedOff, { can: can('evaluate') })), SPENDING)
    expect(page.querySelector('#evaluate-form')).toBeDefined()
    expect(page.querySelector('#act-start-btn')).toBeUndefined()
  })
})
