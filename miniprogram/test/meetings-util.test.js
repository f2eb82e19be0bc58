const meetings = require('../utils/meetings')

test('议程的诉求编号：空格、中文逗号、顿号、# 都可以；不是数字返回 null', () => {
  expect(meetings.parseMatterIds('12 15')).toEqual([12, 15])
  expect(meetings.parseMatterIds('#12，15、12')).toEqual([12, 15])
  expect(meetings.parseMatterIds('')).toEqual([])
  expect(meetings.parseMatterIds('12 十五')).toBeNull()
  expect(meetings.parseMatterIds('0')).toBeNull()
})

test('召集会议的社区：社区工作人员用工作的社区，楼栋长用自家社区', () => {
  const household = { community_id: 4 }
  expect(meetings.organizerCommunityId({ roles: [{ role: 'staff', scope_id: 1 }], household })).toBe(1)
  expect(meetings.organizerCommunityId({ roles: [{ role: 'building_head', scope_id: 3 }], household })).toBe(4)
  expect(meetings.organizerCommunityId({ roles: [{ role: 'building_head', scope_id: 3 }], household: null })).toBeNull()
})

test('状态和我家的回复', () => {
  const now = Date.parse('2030-03-15T10:00:00+08:00')
  const later = { status: 'published', starts_at: '2030-03-15T19:00:00+08:00' }
  const earlier = { status: 'published', starts_at: '2030-03-15T09:00:00+08:00' }
  expect(meetings.statusLabel(later, now)).toBe('待召开')
  expect(meetings.statusLabel(earlier, now)).toBe('已开始')
  expect(meetings.statusLabel({ status: 'draft' }, now)).toBe('草稿，还没通知')
  expect(meetings.myReplyText({ present: null, my_reply: null })).toBe('')
  expect(meetings.myReplyText({ present: false, my_reply: null })).toBe('还没回复')
  expect(meetings.myReplyText({ present: false, my_reply: 'attend', my_people: 3 })).toBe('参加（3人）')
  expect(meetings.myReplyText({ present: true, my_reply: 'attend', my_people: 3 })).toBe('已签到')
})
