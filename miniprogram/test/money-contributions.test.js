// 我家的自筹款（pages/money/contributions）：每一笔（更正过的按更正后的）、合计、谁收的、收据照片。
const { installWx } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const { RESIDENT, login, fund, entry } = require('./money-fixtures')

const PAGE = 'pages/money/contributions'

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(mine, funds = { items: [fund(1), fund(2, { name: '锦苑院落基金' })] }) {
  login(RESIDENT)
  wx.server.reply('GET', '/contributions/mine', 200, mine)
  wx.server.reply('GET', '/communities/1/funds', 200, funds)
  const page = loadPage(PAGE)
  await page.instance.onLoad()
  return page
}

test('地址、合计、每一笔：哪个基金、多少、哪天、现金还是转账、收据号、谁收的；更正过的写明', async () => {
  const page = await open({
    household: { id: 9, address: '3幢1单元102' },
    total_fen: 15000,
    items: [
      entry(1),
      entry(2, { fund_id: 2, paid_by: 'transfer', receipt_no: '', photo: null, amount_fen: 10000, effective_fen: 5000, corrected_by: [3],
        acting_label: null, recorded_by: { id: 2, name: '王海燕' }, occurred_on: '2026-10-08' }),
    ],
  })
  expect(textOf(page, '#address')).toBe('3幢1单元102')
  expect(textOf(page, '#total')).toBe('150.00 元')
  expect(textOf(page, '#entry-1')).toContain('院坝自筹基金')
  expect(textOf(page, '#entry-1')).toContain('100.00 元')
  expect(textOf(page, '#entry-1')).toContain('2026年11月3日 · 现金 · 收据号 No.0012')
  expect(textOf(page, '#entry-1')).toContain('由张大爷（楼栋长）代办')
  expect(textOf(page, '#entry-2')).toContain('锦苑院落基金')
  expect(textOf(page, '#entry-2')).toContain('2026年10月8日 · 转账')
  expect(textOf(page, '#entry-2')).toContain('王海燕 登记')
  expect(textOf(page, '#entry-2')).toContain('原记 100.00 元，已更正为 50.00 元')

  await tap(page, '#entry-1 .receipt')
  expect(wx.previewImage).toHaveBeenCalledWith({ urls: ['https://yb.example/media/61.jpg'], current: 'https://yb.example/media/61.jpg' })
  expect(wx.server.unexpected).toEqual([])
})

test('基金名字读不到：写“基金 #N”，自筹款照样显示', async () => {
  login(RESIDENT)
  wx.server.reply('GET', '/contributions/mine', 200, { household: { id: 9, address: '3幢1单元102' }, total_fen: 10000, items: [entry(1)] })
  wx.server.reply('GET', '/communities/1/funds', 503, { error: { code: 'unavailable', message: '服务暂时不可用' } })
  const page = loadPage(PAGE)
  await page.instance.onLoad()
  expect(textOf(page, '#entry-1')).toContain('基金 #1')
  expect(page.querySelector('#load-error')).toBeUndefined()
})

test('还没交过：写明；没有住户：请先绑定', async () => {
  let page = await open({ household: { id: 9, address: '3幢1单元102' }, total_fen: 0, items: [] })
  expect(textOf(page, '#empty')).toBe('您家还没有交过自筹款。')
  expect(textOf(page, '#total')).toBe('0.00 元')

  page = await open({ household: null, total_fen: 0, items: [] })
  expect(textOf(page, '#no-household')).toContain('还没有绑定住户')
  expect(page.querySelector('#summary')).toBeUndefined()
})
