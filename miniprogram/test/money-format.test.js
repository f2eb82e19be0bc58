// 钱：后端一律是整数的分，页面写成两位小数的元；输入框里的元换成分时不经过浮点数。
const { yuan, yuanText, signedYuanText, fenFromYuan, dateText, monthText } = require('../utils/format')

test.each([
  [10000, '100.00'],
  [12345, '123.45'],
  [5, '0.05'],
  [0, '0.00'],
  [-500, '-5.00'],
  [123456789, '1234567.89'],
])('%i 分 → %s 元', (fen, text) => {
  expect(yuan(fen)).toBe(text)
})

test('带单位、带正负号；不是整数的分（后端没给）写空串', () => {
  expect(yuanText(10000)).toBe('100.00 元')
  expect(signedYuanText(10000)).toBe('+100.00 元')
  expect(signedYuanText(-5050)).toBe('−50.50 元')
  expect(signedYuanText(0)).toBe('0.00 元')
  expect(yuan(null)).toBe('')
  expect(yuan(1.5)).toBe('')
  expect(yuanText(undefined)).toBe('')
})

test.each([
  ['100', 10000],
  ['100.5', 10050],
  ['100.50', 10050],
  ['0.1', 10],
  ['0.29', 29], // 0.29 * 100 用浮点数算是 28.999999999999996
  ['１００．５', 10050],
  [' 100 元', 10000],
  ['100。5', 10050],
])('输入“%s”元 → %i 分', (text, fen) => {
  expect(fenFromYuan(text)).toBe(fen)
})

test.each([[''], ['0'], ['0.00'], ['-5'], ['1.234'], ['abc'], ['1,000'], [null], ['200000000.01']])('输入“%s”不是一个能收的金额', text => {
  expect(fenFromYuan(text)).toBeNull()
})

test('日期、月份', () => {
  expect(dateText('2026-12-01')).toBe('2026年12月1日')
  expect(monthText('2026-11')).toBe('2026年11月')
  expect(dateText('')).toBe('')
  expect(monthText('2026-11-01')).toBe('')
})
