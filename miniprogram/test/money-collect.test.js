// 收自筹款（pages/money/collect）：楼栋长点一户，填金额、现金还是转账、日期、收据照片，记下一笔。
// 网络不好时：自动重试、再点一次，用的都是同一个幂等键，后端只记一笔。
const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap, input } = require('./page-helper')
const api = require('../utils/api')
const { meetingPickerValues, dateText } = require('../utils/format')
const { HEAD, login, fund, entry, photo } = require('./money-fixtures')

const PAGE = 'pages/money/collect'
const COLLECTOR = { keep: false, view_ledger: false, collect: true, supervise: false }

function contributor(id, address, headName, contributedFen = 0) {
  return { household: { id, address }, head_name: headName, contributed_fen: contributedFen, last_on: contributedFen ? '2026-11-03' : null }
}

const UNPAID = [contributor(101, '3幢1单元101', '李奶奶'), contributor(102, '3幢1单元201', null)]

let wx
beforeEach(() => {
  wx = installWx()
})
afterEach(() => {
  jest.useRealTimers()
})

async function open({ f = fund(1, { can: COLLECTOR }), unpaid = UNPAID } = {}) {
  login(HEAD)
  wx.server.reply('GET', '/funds/1', 200, f)
  wx.server.reply('GET', '/funds/1/contributors', 200, { items: unpaid, next_cursor: null })
  const page = loadPage(PAGE)
  await page.instance.onLoad({ fund_id: '1' })
  return page
}

function entryPosts() {
  return wx.server.calls('POST', '/funds/1/entries')
}

async function takePhoto(page, id = 55) {
  wx.chooseMediaReplies.push({ tempFiles: [{ tempFilePath: 'wxfile://receipt.jpg' }] })
  wx.uploadReplies.push({ progress: [100], statusCode: 201, data: photo(id) })
  await page.instance.onTakePhoto()
  await until(() => page.data.photo && page.data.photo.status === 'done')
}

// 点“记下这笔”（要先 jest.useFakeTimers()）：把 api.js 网络失败后的自动重试等完
async function submitThroughRetries(page) {
  const submitting = page.instance.onSubmit()
  await jest.advanceTimersByTimeAsync(5000)
  await submitting
}

const TODAY = () => meetingPickerValues(Date.now()).date

test('列出我能替他们收款、还没交的住户；切到“已交”', async () => {
  const page = await open()
  expect(textOf(page, '#fund-name')).toBe('院坝自筹基金')
  expect(textOf(page, '#fund-head')).toContain('每户 100.00 元')
  expect(wx.server.calls('GET', '/funds/1/contributors')[0].query).toEqual({ status: 'unpaid', limit: '50' })
  expect(textOf(page, '#household-101')).toContain('3幢1单元101（李奶奶）')
  expect(textOf(page, '#household-102')).toContain('3幢1单元201')

  wx.server.reply('GET', '/funds/1/contributors', 200, { items: [contributor(103, '3幢2单元301', '周大爷', 10000)], next_cursor: null })
  await tap(page, '#status-paid')
  await until(() => page.data.items.length === 1 && page.data.items[0].id === 103)
  expect(wx.server.calls('GET', '/funds/1/contributors')[1].query.status).toBe('paid')
  expect(textOf(page, '#household-103')).toContain('已交 100.00 元 · 2026年11月3日')
  expect(wx.server.unexpected).toEqual([])
})

test('现金：金额默认是每户多少；没拍收据拦下；拍了、确认后记下，发的内容对，带幂等键；重读名单', async () => {
  const page = await open()
  await tap(page, '#household-101')
  expect(textOf(page, '#entry-household')).toBe('3幢1单元101（李奶奶）')
  expect(page.data.amountText).toBe('100.00')
  expect(page.data.occurredOn).toBe(TODAY())

  await page.instance.onSubmit()
  expect(textOf(page, '#form-error')).toBe('现金要拍下收据的照片')
  expect(entryPosts()).toHaveLength(0)

  await input(page, '#receipt-input', ' No.0012 ')
  await takePhoto(page, 55)
  wx.server.reply('POST', '/funds/1/entries', 201, entry(30))
  wx.server.reply('GET', '/funds/1/contributors', 200, { items: [UNPAID[1]], next_cursor: null })
  await page.instance.onSubmit()
  await until(() => wx.server.calls('GET', '/funds/1/contributors').length === 2)

  expect(wx.showModal.mock.calls[0][0].content).toBe(`收到这户的自筹款：\n3幢1单元101（李奶奶）\n100.00 元，现金，${dateText(TODAY())}\n记下后会通知这户。`)
  expect(entryPosts().map(r => r.data)).toEqual([{
    kind: 'contribution', household_id: 101, amount_fen: 10000, occurred_on: TODAY(), paid_by: 'cash', receipt_no: 'No.0012', photo_id: 55,
  }])
  expect(entryPosts()[0].header['Idempotency-Key']).toEqual(expect.any(String))
  expect(textOf(page, '#done-notice')).toBe('✓ 已记下：3幢1单元101（李奶奶） 100.00 元。这户会收到通知。')
  expect(page.querySelector('#entry-form')).toBeUndefined()
  expect(page.querySelector('#household-101')).toBeUndefined()
  expect(wx.server.unexpected).toEqual([])
})

test('转账：不拍照也行；金额不对时说明怎么填', async () => {
  const page = await open()
  await tap(page, '#household-102')
  await tap(page, '#paid-transfer')
  await input(page, '#amount-input', '1.234')
  await page.instance.onSubmit()
  expect(textOf(page, '#form-error')).toBe('请填收了多少钱，比如 100 或 100.50（元，最多两位小数）')
  await input(page, '#amount-input', '50.5')
  wx.server.reply('POST', '/funds/1/entries', 201, entry(31))
  wx.server.reply('GET', '/funds/1/contributors', 200, { items: [], next_cursor: null })
  await page.instance.onSubmit()
  expect(entryPosts().map(r => r.data)).toEqual([{ kind: 'contribution', household_id: 102, amount_fen: 5050, occurred_on: TODAY(), paid_by: 'transfer' }])
})

test('网络不好：自动重试、再点一次，都用同一个幂等键；成功后下一笔换新键', async () => {
  const page = await open()
  await tap(page, '#household-101')
  await takePhoto(page, 55)
  jest.useFakeTimers()
  for (let i = 0; i < 3; i++) wx.server.networkFail('POST', '/funds/1/entries')
  await submitThroughRetries(page)
  expect(entryPosts()).toHaveLength(3) // 1 次 + 自动重试 2 次
  expect(textOf(page, '#form-error')).toBe(api.NETWORK_ERROR_MESSAGE)
  // 表单还在：再点一次
  expect(textOf(page, '#entry-household')).toBe('3幢1单元101（李奶奶）')

  wx.server.networkFail('POST', '/funds/1/entries')
  wx.server.reply('POST', '/funds/1/entries', 201, entry(30))
  wx.server.reply('GET', '/funds/1/contributors', 200, { items: [UNPAID[1]], next_cursor: null })
  await submitThroughRetries(page)
  const keys = entryPosts().map(r => r.header['Idempotency-Key'])
  expect(keys).toHaveLength(5)
  expect(new Set(keys).size).toBe(1)
  expect(textOf(page, '#done-notice')).toContain('已记下')

  // 下一户、下一笔：新键
  await tap(page, '#household-102')
  await tap(page, '#paid-transfer')
  wx.server.reply('POST', '/funds/1/entries', 201, entry(31))
  wx.server.reply('GET', '/funds/1/contributors', 200, { items: [], next_cursor: null })
  await submitThroughRetries(page)
  expect(entryPosts()[5].header['Idempotency-Key']).not.toBe(keys[0])
})

test('失败后改了金额：换新键（同一个键不同内容后端会拒绝）', async () => {
  const page = await open()
  await tap(page, '#household-102')
  await tap(page, '#paid-transfer')
  wx.server.reply('POST', '/funds/1/entries', 503, { error: { code: 'unavailable', message: '服务暂时不可用，请稍后再试' } })
  await page.instance.onSubmit()
  expect(textOf(page, '#form-error')).toBe('服务暂时不可用，请稍后再试')
  wx.server.reply('POST', '/funds/1/entries', 503, { error: { code: 'unavailable', message: '服务暂时不可用，请稍后再试' } })
  await page.instance.onSubmit()
  await input(page, '#amount-input', '200')
  wx.server.reply('POST', '/funds/1/entries', 201, entry(31))
  wx.server.reply('GET', '/funds/1/contributors', 200, { items: [], next_cursor: null })
  await page.instance.onSubmit()
  const keys = entryPosts().map(r => r.header['Idempotency-Key'])
  expect(keys[1]).toBe(keys[0])
  expect(keys[2]).not.toBe(keys[0])
  expect(entryPosts()[2].data.amount_fen).toBe(20000)
})

test('后端说不能收款（can.collect 是 false）：写明，不读名单', async () => {
  login(HEAD)
  wx.server.reply('GET', '/funds/1', 200, fund(1))
  const page = loadPage(PAGE)
  await page.instance.onLoad({ fund_id: '1' })
  expect(textOf(page, '#page-error')).toContain('您不能替这个基金收自筹款')
  expect(wx.server.calls('GET', '/funds/1/contributors')).toHaveLength(0)
  expect(page.querySelector('#household-list')).toBeUndefined()
})
