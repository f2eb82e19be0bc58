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

describe('会议时间（一律按北京时间，不管手机的时区）', () => {
  const { formatMeetingTime, meetingPickerValues, meetingIso } = require('../utils/format')
  // 北京时间 2030年3月15日（星期五）10:00
  const BJ_NOW = Date.parse('2030-03-15T10:00:00+08:00')

  test.each([
    ['今天', '今天 19:30', '2030-03-15T19:30:00+08:00'],
    ['今天（后端给的是 UTC）', '今天 15:00', '2030-03-15T07:00:00Z'],
    ['明天', '明天 09:05', '2030-03-16T09:05:00+08:00'],
    ['北京时间已是明天、UTC 还是今天', '明天 00:30', '2030-03-15T16:30:00Z'],
    ['今年更晚', '12月5日 星期四 15:00', '2030-12-05T15:00:00+08:00'],
    ['明年', '2031年1月3日 星期五 09:00', '2031-01-03T09:00:00+08:00'],
  ])('%s → %s', (_name, expected, iso) => {
    expect(formatMeetingTime(iso, BJ_NOW)).toBe(expected)
  })

  test('同一天的结束时间写成“15:00–16:30”；空值返回空串', () => {
    expect(formatMeetingTime('2030-03-15T15:00:00+08:00', BJ_NOW, '2030-03-15T16:30:00+08:00')).toBe('今天 15:00–16:30')
    expect(formatMeetingTime(null, BJ_NOW)).toBe('')
  })

  test('选择器的值和 ISO 8601（+08:00）互相转换', () => {
    expect(meetingIso('2030-03-16', '09:05')).toBe('2030-03-16T09:05:00+08:00')
    expect(meetingIso('', '09:05')).toBe('')
    expect(meetingPickerValues('2030-03-15T16:30:00Z')).toEqual({ date: '2030-03-16', time: '00:30' })
    expect(Date.parse(meetingIso('2030-03-16', '00:30'))).toBe(Date.parse('2030-03-15T16:30:00Z'))
  })
})
