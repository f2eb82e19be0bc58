// 账目公示（pages/money/statement）：期初、收入、支出、期末，每一笔和照片，监委会核实。
// 住户自筹只有一行合计：邻居看不到哪家交了多少。
const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap, input } = require('./page-helper')
const { RESIDENT, SUPERVISOR, login, statement, publicLine } = require('./money-fixtures')

const PAGE = 'pages/money/statement'

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(user, s) {
  login(user)
  wx.server.reply('GET', `/fund-statements/${s.id}`, 200, s)
  const page = loadPage(PAGE)
  await page.instance.onLoad({ id: String(s.id) })
  return page
}

function confirmPosts() {
  return wx.server.calls('POST', '/fund-statements/21/confirmations')
}

test('显示期初、收入、支出、期末和每一笔；支出带发票照片，点开看大图', async () => {
  const page = await open(RESIDENT, statement(21))
  expect(textOf(page, '#statement-title')).toBe('院坝自筹基金 2026年11月账目')
  expect(textOf(page, '#opening')).toBe('0.00 元')
  expect(textOf(page, '#in')).toBe('15000.00 元')
  expect(textOf(page, '#out')).toBe('2654.50 元')
  expect(textOf(page, '#closing')).toBe('12345.50 元')
  expect(textOf(page, '#line-0')).toContain('住户自筹')
  expect(textOf(page, '#line-0')).toContain('+12000.00 元')
  expect(textOf(page, '#line-0')).toContain('120 户')
  expect(textOf(page, '#line-1')).toContain('拨款')
  expect(textOf(page, '#line-1')).toContain('+3000.00 元')
  expect(textOf(page, '#line-1')).toContain('街道办 · 社区微基金')
  expect(textOf(page, '#line-2')).toContain('支出')
  expect(textOf(page, '#line-2')).toContain('−2654.50 元')
  expect(textOf(page, '#line-2')).toContain('2026年11月20日 · 蜀光五金店 · 院坝地砖 · 票据号 FP-2026-88 · 项目：院坝铺地砖')
  expect(textOf(page, '#confirmed-state')).toBe('等监委会核实')
  expect(textOf(page, '#digest')).toContain('a3f1c2d4e5b69788…')
  expect(page.querySelector('#line-0 .line-photo')).toBeUndefined()

  await tap(page, '#line-2 .line-photo')
  expect(wx.previewImage).toHaveBeenCalledWith({ urls: ['https://yb.example/media/84.jpg'], current: 'https://yb.example/media/84.jpg' })
  // 不是监委会：没有核实的按钮
  expect(page.querySelector('#confirm-form')).toBeUndefined()
})

test('更正是新的一笔：写明多少、为什么', async () => {
  const s = statement(21)
  s.lines.push(publicLine(15, {
    kind: 'correction', kind_label: '更正', direction: 'out', amount_fen: 1000, occurred_on: '2026-11-25', counterparty: '',
    description: '', receipt_no: '', photo: null, project: null, corrects_id: 3, reason: '3幢的一笔多记了 10 元',
  }))
  const page = await open(RESIDENT, s)
  expect(textOf(page, '#line-3')).toContain('更正')
  expect(textOf(page, '#line-3')).toContain('−10.00 元')
  expect(textOf(page, '#line-3')).toContain('2026年11月25日 · 说明：3幢的一笔多记了 10 元')
})

test('住户自筹只写几户、共多少，从不写是哪一户（后端万一多给了住户也不显示）', async () => {
  const s = statement(21)
  s.lines[0] = Object.assign({}, s.lines[0], { household: { id: 9, address: '3幢1单元102' }, description: '3幢1单元102 交的' })
  const page = await open(RESIDENT, s)
  expect(textOf(page, '#contributions-total')).toContain('本期住户自筹 120 户，共 12000.00 元')
  expect(textOf(page, '#contributions-total')).toContain('不列出是哪几户')
  expect(textOf(page)).not.toContain('3幢1单元102')
  expect(page.data.lines[0]).not.toHaveProperty('household')
})

test('监委会成员（can.confirm）：“核实无误”，确认后提交，不带幂等键；用回来的账目刷新', async () => {
  const page = await open(SUPERVISOR, statement(21, { can: { confirm: true } }))
  expect(textOf(page, '#confirm-form')).toContain('请您核实这份账目')
  wx.server.reply('POST', '/fund-statements/21/confirmations', 201, statement(21, {
    confirmed: true,
    review: 'confirmed',
    review_label: '监委会已核实',
    confirmations: [{ user: { id: 7, name: '刘监督' }, agrees: true, note: '', created_at: new Date().toISOString() }],
    can: { confirm: false },
  }))
  await page.instance.onAgree()

  expect(wx.showModal.mock.calls[0][0].title).toBe('核实无误')
  expect(confirmPosts().map(r => r.data)).toEqual([{ agrees: true, note: '' }])
  expect(confirmPosts()[0].header['Idempotency-Key']).toBeUndefined()
  expect(textOf(page, '#confirmed-state')).toBe('✓ 监委会已核实无误')
  expect(textOf(page, '#confirmations')).toContain('刘监督：核实无误 · 刚刚')
  expect(page.querySelector('#confirm-form')).toBeUndefined()
})

test('后端没给 can.confirm：就算是监委会成员也没有按钮（已经答过、或不是这个社区的）', async () => {
  const page = await open(SUPERVISOR, statement(21, {
    confirmations: [{ user: { id: 7, name: '刘监督' }, agrees: true, note: '', created_at: new Date().toISOString() }],
  }))
  expect(page.querySelector('#confirm-form')).toBeUndefined()
  expect(page.querySelector('#agree-btn')).toBeUndefined()
})

test('有疑问：必须写明哪里对不上；提交 agrees=false 和说明', async () => {
  const page = await open(SUPERVISOR, statement(21, { can: { confirm: true } }))
  await tap(page, '#open-query-btn')
  await page.instance.onQuery()
  expect(textOf(page, '#form-error')).toBe('请写明哪里对不上：哪一笔、差多少、缺什么票据')
  expect(confirmPosts()).toHaveLength(0)

  await input(page, '#note-input', ' 11月20日的发票金额是 2564.50 ')
  wx.server.reply('POST', '/fund-statements/21/confirmations', 201, statement(21, {
    review: 'queried',
    review_label: '监委会有疑问',
    confirmations: [{ user: { id: 7, name: '刘监督' }, agrees: false, note: '11月20日的发票金额是 2564.50', created_at: new Date().toISOString() }],
  }))
  await page.instance.onQuery()
  expect(confirmPosts().map(r => r.data)).toEqual([{ agrees: false, note: '11月20日的发票金额是 2564.50' }])
  expect(textOf(page, '#confirmations')).toContain('有疑问')
  expect(textOf(page, '#confirmations')).toContain('11月20日的发票金额是 2564.50')
  expect(textOf(page, '#confirmed-state')).toBe('监委会有疑问，说明在下面')
  expect(page.querySelector('#confirmed-state.queried')).toBeDefined()
  expect(page.querySelector('#confirmed-state.confirmed')).toBeUndefined()
})

test('已经答过（409）：写出后端的说明并重新读取', async () => {
  const page = await open(SUPERVISOR, statement(21, { can: { confirm: true } }))
  wx.server.reply('POST', '/fund-statements/21/confirmations', 409, { error: { code: 'already_confirmed', message: '您已经核实过这份账目' } })
  wx.server.reply('GET', '/fund-statements/21', 200, statement(21))
  await page.instance.onAgree()
  await until(() => !page.data.canConfirm)
  expect(page.data.formError).toBe('您已经核实过这份账目')
  expect(wx.server.calls('GET', '/fund-statements/21')).toHaveLength(2)
})

test('编号不对：不请求，写明', async () => {
  login(RESIDENT)
  const page = loadPage(PAGE)
  await page.instance.onLoad({ id: 'abc' })
  expect(textOf(page, '#load-error')).toBe('账目编号不对')
  expect(wx.server.requests).toEqual([])
})
