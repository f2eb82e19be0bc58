// 社区账本（pages/money/index）：本社区的基金和余额、我家交了多少、账目公示、参与式预算；能收款的有“收自筹款”。
const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const { RESIDENT, HEAD, STAFF, login, fund, statement, round } = require('./money-fixtures')

const PAGE = 'pages/money/index'

function summary(id, fields = {}) {
  const s = statement(id, fields)
  return {
    id: s.id, kind: s.kind, month: s.month, project: s.project, opening_fen: s.opening_fen, in_fen: s.in_fen, out_fen: s.out_fen,
    closing_fen: s.closing_fen, published_at: s.published_at, review: s.review, review_label: s.review_label,
  }
}

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(user, { funds = [fund(1)], statements = [summary(21)], rounds = [round(3)], roundsPath = '/budget-rounds/mine' } = {}) {
  login(user)
  wx.server.reply('GET', '/communities/1/funds', 200, { items: funds })
  if (funds.length) wx.server.reply('GET', `/funds/${funds[0].id}/statements`, 200, { items: statements, next_cursor: null })
  wx.server.reply('GET', roundsPath, 200, roundsPath === '/budget-rounds/mine' ? { items: rounds } : { items: rounds, next_cursor: null })
  const page = loadPage(PAGE)
  await page.instance.onLoad()
  return page
}

test('居民：基金的余额、收支、每户多少、我家交了多少；账目公示；范围里有我家的预算', async () => {
  const page = await open(RESIDENT, {
    statements: [
      summary(21),
      summary(20, { kind: 'project', month: null, project: { id: 4, title: '院坝铺地砖' }, review: 'queried', review_label: '监委会有疑问' }),
      summary(19, { month: '2026-10', review: 'confirmed', review_label: '监委会已核实' }),
    ],
  })

  expect(textOf(page, '#fund-1')).toContain('院坝自筹基金')
  expect(textOf(page, '#fund-1')).toContain('全社区')
  expect(textOf(page, '#fund-1')).toContain('余额 12345.50 元')
  expect(textOf(page, '#fund-1')).toContain('收入 15000.00 元 · 支出 2654.50 元')
  expect(textOf(page, '#fund-1')).toContain('自筹：每户 100.00 元')
  expect(textOf(page, '#fund-1')).toContain('我家已交 100.00 元')
  // 居民不能替别人收款：后端的 can.collect 是 false
  expect(page.querySelector('#collect-1')).toBeUndefined()

  expect(textOf(page, '#statement-21')).toContain('2026年11月账目')
  expect(textOf(page, '#statement-21')).toContain('期末余额 12345.50 元')
  expect(textOf(page, '#statement-20')).toContain('项目：院坝铺地砖')
  // 监委会核实到哪一步，列表上就看得到；有疑问的用醒目的颜色
  expect(textOf(page, '#statement-21')).toContain('待监委会核实')
  expect(textOf(page, '#statement-19')).toContain('监委会已核实')
  expect(textOf(page, '#statement-20')).toContain('监委会有疑问')
  expect(page.querySelector('#statement-20 .entry-queried')).toBeDefined()
  expect(page.querySelector('#statement-19 .entry-queried')).toBeUndefined()
  expect(wx.server.calls('GET', '/funds/1/statements')[0].query).toEqual({ limit: '10' })

  expect(textOf(page, '#round-3')).toContain('2027 年院坝微更新')
  expect(textOf(page, '#round-3')).toContain('预算 1000.00 元')
  expect(textOf(page, '#round-3')).toContain('投票中')

  await tap(page, '#statement-21')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/money/statement?id=21' })
  await tap(page, '#round-3')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/budget/round?id=3' })
  await tap(page, '#contributions-entry')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/money/contributions' })
  expect(wx.server.unexpected).toEqual([])
})

test('我家还没交：写“我家还没有交”', async () => {
  const page = await open(RESIDENT, { funds: [fund(1, { my_household: { id: 9, address: '3幢1单元102', contributed_fen: 0, entries: 0 } })] })
  expect(textOf(page, '#fund-1')).toContain('我家还没有交')
})

test('楼栋长：后端说能收款（can.collect）的基金有“收自筹款”，点了去收款页', async () => {
  const page = await open(HEAD, { funds: [fund(1, { can: { keep: false, view_ledger: false, collect: true, supervise: false } })] })
  await tap(page, '#collect-1')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/money/collect?fund_id=1' })
})

test('社区工作人员：看本社区全部预算；几个基金时点一个看它的公示', async () => {
  const page = await open(STAFF, {
    funds: [fund(1, { my_household: null }), fund(2, { name: '锦苑院落基金', scope_label: '锦苑', my_household: null })],
    rounds: [round(3, { status: 'proposing', status_label: '征集提案' })],
    roundsPath: '/communities/1/budget-rounds',
  })
  expect(wx.server.calls('GET', '/budget-rounds/mine')).toHaveLength(0)
  expect(textOf(page, '#round-3')).toContain('征集提案')
  // 没有住户：不显示“我家”的
  expect(textOf(page, '#fund-1')).not.toContain('我家')
  expect(page.querySelector('#contributions-entry')).toBeUndefined()

  wx.server.reply('GET', '/funds/2/statements', 200, { items: [summary(31, { month: '2026-10' })], next_cursor: 'c1' })
  await tap(page, '#fund-tab-2')
  await until(() => page.data.statements.length === 1 && page.data.statements[0].id === 31)
  expect(textOf(page, '#statement-31')).toContain('2026年10月账目')
  expect(page.querySelector('#statement-21')).toBeUndefined()

  wx.server.reply('GET', '/funds/2/statements', 200, { items: [summary(30, { month: '2026-09' })], next_cursor: null })
  await tap(page, '#statements-more-btn')
  await until(() => page.data.statements.length === 2)
  expect(wx.server.calls('GET', '/funds/2/statements')[1].query).toEqual({ limit: '10', cursor: 'c1' })
  expect(page.querySelector('#statements-more-btn')).toBeUndefined()
  expect(wx.server.unexpected).toEqual([])
})

test('没有住户也没有职务：请先绑定住户，不去读账本', async () => {
  login({ id: 50, name: '新用户', roles: [], household: null })
  const page = loadPage(PAGE)
  await page.instance.onLoad()
  expect(textOf(page, '#no-place')).toContain('还没有绑定住户')
  expect(wx.server.requests.filter(r => r.path !== '/me')).toEqual([])
})

test('读不到：写出后端的说明，可以重新加载', async () => {
  login(RESIDENT)
  wx.server.reply('GET', '/communities/1/funds', 503, { error: { code: 'unavailable', message: '服务暂时不可用，请稍后再试' } })
  wx.server.reply('GET', '/budget-rounds/mine', 200, { items: [] })
  const page = loadPage(PAGE)
  await page.instance.onLoad()
  expect(textOf(page, '#load-error')).toBe('服务暂时不可用，请稍后再试')

  wx.server.reply('GET', '/communities/1/funds', 200, { items: [fund(1)] })
  wx.server.reply('GET', '/funds/1/statements', 200, { items: [], next_cursor: null })
  wx.server.reply('GET', '/budget-rounds/mine', 200, { items: [] })
  await tap(page, '#retry-btn')
  await until(() => page.data.funds.length === 1)
  expect(page.querySelector('#load-error')).toBeUndefined()
  expect(textOf(page, '#statements-empty')).toBe('还没有公示过账目。')
  expect(textOf(page, '#rounds-empty')).toContain('现在没有参与式预算')
})
