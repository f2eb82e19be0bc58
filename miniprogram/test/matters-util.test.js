const matters = require('../utils/matters')

const user = (roles, household = null) => ({ id: 1, roles: roles.map(([role, scope_id]) => ({ role, scope_id })), household })

test('每一类事的承办方选项与后端 HANDLERS_BY_CLASS 一致', () => {
  expect(matters.handlerOptions('major').map(o => o.type)).toEqual(['department'])
  expect(matters.handlerOptions('minor').map(o => o.type)).toEqual(['committee', 'grid_worker', 'resident_group'])
  expect(matters.handlerOptions('private').map(o => o.type)).toEqual(['resident', 'volunteer_team', 'market'])
  expect(matters.handlerOptions(null)).toEqual([])
})

test('三事分流看哪个社区：staff / council_member 的 scope，没有时用自家社区；没有角色就不能看', () => {
  expect(matters.triageCommunityId(user([['council_member', 3]], { id: 1, community_id: 1 }))).toBe(3)
  expect(matters.triageCommunityId(user([['resident', 1]], { id: 1, community_id: 1 }))).toBe(1)
  expect(matters.canTriage(user([['staff', 3]]))).toBe(true)
  expect(matters.canTriage(user([['building_head', 3], ['grid_worker', 1]]))).toBe(false)
  expect(matters.canTriage(user([['admin', null]]))).toBe(true)
})

test('承办方文字、大事/小事/私事、住户标记', () => {
  expect(matters.handlerText({ type: 'committee', name: '居委会' })).toBe('居委会')
  expect(matters.handlerText({ type: 'volunteer_team', name: '金色港湾义工队' })).toBe('义工队：金色港湾义工队')
  expect(matters.handlerText(null)).toBe('')
  expect(matters.classLabel('minor')).toBe('小事')
  expect(matters.classLabel(null)).toBe('')
  expect(matters.flagLabels({ elderly_alone: true, disabled: true, low_income: true })).toEqual(['独居老人', '残疾', '低保'])
})
