const { formatRelativeTime } = require('../utils/format')

// 手机本地时间 2030年3月15日 10:00
const NOW = new Date(2030, 2, 15, 10, 0, 0).getTime()
const at = (...parts) => new Date(...parts).toISOString()

test.each([
  ['半分钟前', '刚刚', at(2030, 2, 15, 9, 59, 30)],
  ['手机时钟比服务器慢一点（未来时间）', '刚刚', at(2030, 2, 15, 10, 0, 20)],
  ['5 分钟前', '5分钟前', at(2030, 2, 15, 9, 55)],
  ['59 分钟前', '59分钟前', at(2030, 2, 15, 9, 1)],
  ['今天早些时候', '2小时前', at(2030, 2, 15, 7, 30)],
  ['今天凌晨', '9小时前', at(2030, 2, 15, 0, 5)],
  ['昨天', '昨天 08:05', at(2030, 2, 14, 8, 5)],
  ['昨天刚过零点', '昨天 00:00', at(2030, 2, 14, 0, 0)],
  ['前天', '3月13日', at(2030, 2, 13, 23, 59)],
  ['今年更早', '1月2日', at(2030, 0, 2, 12, 0)],
  ['去年', '2029年12月31日', at(2029, 11, 31, 12, 0)],
])('%s → %s', (_name, expected, iso) => {
  expect(formatRelativeTime(iso, NOW)).toBe(expected)
})

test('带时区的后端时间也能读；空值或乱码返回空串', () => {
  expect(formatRelativeTime(new Date(NOW - 3 * 60000).toISOString().replace('Z', '+00:00'), NOW)).toBe('3分钟前')
  expect(formatRelativeTime(null, NOW)).toBe('')
  expect(formatRelativeTime('不是时间', NOW)).toBe('')
})
