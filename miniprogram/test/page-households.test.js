const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const api = require('../utils/api')

const PAGE = 'pages/households/households'
const BHEAD = { id: 5, name: '楼栋长', roles: [{ role: 'building_head', scope_id: 3, scope_name: '海滨新村3幢' }], household: null }
const GRID = {
  id: 6, name: '网格员', roles: [{ role: 'grid_worker', scope_id: 1, scope_name: '第一网格' }],
  household: { id: 9, community_id: 1, community_name: '东海社区' },
}
const STAFF = { id: 2, name: '王海燕', roles: [{ role: 'staff', scope_id: 1, scope_name: '东海社区' }], household: null }
const RESIDENT = { id: 42, name: '宋永华', roles: [{ role: 'resident', scope_id: 2, scope_name: null }], household: { id: 2, community_id: 1 } }
const TREE = {
  id: 1, name: '东海社区',
  grids: [
    { id: 1, name: '第一网格', courtyards: [{ id: 1, name: '海滨新村', buildings: [{ id: 3, name: '3幢' }, { id: 4, name: '4幢' }] }] },
    { id: 2, name: '第二网格', courtyards: [{ id: 2, name: '渔港小区', buildings: [{ id: 7, name: '1幢' }] }] },
  ],
}

// 后端 Household
function household(id, fields = {}) {
  return Object.assign({
    id, community_id: 1, building_id: 3, building_name: '3幢', unit: '1单元', room: `${id}01`, floor_area: 80,
    head_name: null, head_phone: null, elderly_alone: false, disabled: false, low_income: false, owner_ref: null,
    developer_held: false, members: [], can_designate_voter: false, can_issue_join_codes: true,
  }, fields)
}
const MEMBERS = [
  { user_id: 42, name: '宋永华', is_head: true, is_voter: false },
  { user_id: 43, name: null, is_head: false, is_voter: false },
]

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(user) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  return page
}

test('楼栋长：列出自己楼栋的住户，写明谁已加入、谁还没人加入，住户标记', async () => {
  wx.server.reply('GET', '/buildings/3/households', 200, {
    items: [household(1, { head_name: '宋永华', members: MEMBERS, elderly_alone: true }), household(2)],
    next_cursor: null,
  })
  const page = await open(BHEAD)
  expect(wx.server.calls('GET', '/buildings/3/households')[0].query).toEqual({ limit: '20' })
  expect(textOf(page, '#building-3')).toBe('海滨新村3幢')
  expect(textOf(page, '#household-1 .household-address')).toBe('3幢 1单元 101室 · 宋永华')
  expect(textOf(page, '#household-1 .joined')).toBe('已加入：宋永华、用户 43')
  expect(textOf(page, '#household-1 .flag')).toBe('独居老人')
  expect(page.querySelector('#household-2 .not-joined')).toBeDefined()
  expect(textOf(page, '#household-2 .joined')).toBe('还没有人加入')
  expect(wx.server.calls('GET', '/communities/1')).toHaveLength(0)
})

// 点开一户：读这一户，再读还没用的入户码
async function openHousehold(page, h, codes = []) {
  wx.server.reply('GET', `/households/${h.id}`, 200, h)
  wx.server.reply('GET', `/households/${h.id}/join-codes`, 200, { items: codes, next_cursor: null })
  await tap(page, `#household-${h.id}`)
  await until(() => page.data.household && wx.server.calls('GET', `/households/${h.id}/join-codes`).length === 1)
}

function issuedCode(id, fields = {}) {
  return Object.assign({
    id, household_id: 2, as_head: false, issued_by_name: '王楼长',
    issued_at: '2030-03-08T02:00:00+00:00', expires_at: '2030-03-15T08:00:00+00:00',
  }, fields)
}

test('发入户码：大字显示、有效期、可复制；作废后 DELETE /join-codes/{id}', async () => {
  wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(2)], next_cursor: null })
  const page = await open(BHEAD)
  await openHousehold(page, household(2))
  expect(page.querySelector('#voter-form')).toBeUndefined() // 后端没给 can_designate_voter
  expect(page.querySelector('#code-list')).toBeUndefined()

  await tap(page, '#as-head-toggle')
  wx.server.reply('POST', '/households/2/join-codes', 201, {
    id: 77, code: 'ABCD2345', household_id: 2, as_head: true, expires_at: '2030-03-15T08:00:00+00:00',
  })
  wx.server.reply('GET', '/households/2/join-codes', 200, { items: [issuedCode(77, { as_head: true })], next_cursor: null })
  await tap(page, '#issue-code-btn')
  await until(() => page.data.joinCode && page.data.codes.length === 1)
  expect(wx.server.calls('POST', '/households/2/join-codes')[0].data).toEqual({ as_head: true })
  expect(textOf(page, '#join-code-text')).toBe('ABCD 2345')
  expect(textOf(page, '#join-code-expiry')).toBe('2030年3月15日 星期五 16:00 前有效，加入的人做户主，只能用一次')
  await tap(page, '#copy-code-btn')
  expect(wx.clipboard).toBe('ABCD2345')

  wx.server.reply('DELETE', '/join-codes/77', 204)
  wx.server.reply('GET', '/households/2/join-codes', 200, { items: [], next_cursor: null })
  await tap(page, '#revoke-code-btn')
  await until(() => !page.data.joinCode && !page.data.busy && !page.data.codes.length)
  expect(wx.server.calls('DELETE', '/join-codes/77')).toHaveLength(1)
  expect(page.querySelector('#issue-code-btn')).toBeDefined()
  expect(wx.server.unexpected).toEqual([])
})

test('前几天发的、还没用的入户码列出来（码不再显示），点“作废”作废那一个', async () => {
  wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(2)], next_cursor: null })
  const page = await open(BHEAD)
  await openHousehold(page, household(2), [issuedCode(70, { as_head: true }), issuedCode(71, { issued_by_name: null })])
  expect(wx.server.calls('GET', '/households/2/join-codes')[0].query).toEqual({ limit: '50' })
  expect(textOf(page, '#code-70')).toContain('王楼长 2030年3月8日 星期五 10:00 发，加入的人做户主')
  expect(textOf(page, '#code-70')).toContain('2030年3月15日 星期五 16:00 前有效')
  expect(textOf(page, '#code-71')).toContain('工作人员 2030年3月8日')

  wx.server.reply('DELETE', '/join-codes/71', 204)
  wx.server.reply('GET', '/households/2/join-codes', 200, { items: [issuedCode(70, { as_head: true })], next_cursor: null })
  await tap(page, '#revoke-71')
  await until(() => !page.data.busy && page.data.codes.length === 1)
  expect(wx.server.calls('DELETE', '/join-codes/71')).toHaveLength(1)
  expect(page.querySelector('#code-71')).toBeUndefined()
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已作废' }))
})

test('入户码已经用过（409）：弹出后端说明，码还在', async () => {
  wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(2)], next_cursor: null })
  const page = await open(BHEAD)
  await openHousehold(page, household(2))
  wx.server.reply('POST', '/households/2/join-codes', 201, { id: 78, code: 'ZZZZ2345', household_id: 2, as_head: false, expires_at: '2030-03-15T08:00:00+00:00' })
  wx.server.reply('GET', '/households/2/join-codes', 200, { items: [issuedCode(78)], next_cursor: null })
  await page.instance.onIssueCode()
  expect(wx.server.calls('POST', '/households/2/join-codes')[0].data).toEqual({ as_head: false })
  wx.server.reply('DELETE', '/join-codes/78', 409, { error: { code: 'join_code_used', message: '入户码已经使用，不能作废', details: {} } })
  wx.server.reply('GET', '/households/2/join-codes', 200, { items: [], next_cursor: null })
  await tap(page, '#revoke-code-btn')
  await until(() => !page.data.busy && wx.server.calls('GET', '/households/2/join-codes').length === 3)
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '入户码已经使用，不能作废' }))
  expect(page.data.joinCode.id).toBe(78)
})

test('网格员：从社区的树里列出自己网格的楼栋，换楼栋重读住户', async () => {
  wx.server.reply('GET', '/communities/1', 200, TREE)
  wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(1)], next_cursor: null })
  const page = await open(GRID)
  expect(page.querySelectorAll('#building-list .chip').map(n => n.dom.textContent.trim())).toEqual(['海滨新村3幢', '海滨新村4幢'])
  wx.server.reply('GET', '/buildings/4/households', 200, { items: [household(5, { building_id: 4, building_name: '4幢' })], next_cursor: null })
  await tap(page, '#building-4')
  await until(() => page.data.items.length && page.data.items[0].id === 5)
  expect(wx.server.calls('GET', '/buildings/4/households')).toHaveLength(1)
})

test('社区工作人员：全社区的楼栋；后端说可以时指定投票人 PUT voter（户主投票发 null）', async () => {
  wx.server.reply('GET', '/communities/1', 200, TREE)
  wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(1, { members: MEMBERS })], next_cursor: null })
  const page = await open(STAFF)
  expect(page.querySelectorAll('#building-list .chip')).toHaveLength(3)
  await openHousehold(page, household(1, { members: MEMBERS, can_designate_voter: true }))

  const designated = [MEMBERS[0], Object.assign({}, MEMBERS[1], { is_voter: true })]
  wx.server.reply('PUT', '/households/1/voter', 200, household(1, { members: designated, can_designate_voter: true }))
  await tap(page, '#voter-43')
  await until(() => !page.data.busy && page.data.members[1].isVoter)
  expect(wx.server.calls('PUT', '/households/1/voter')[0].data).toEqual({ user_id: 43 })
  expect(textOf(page, '#member-43')).toContain('投票人')

  wx.server.reply('PUT', '/households/1/voter', 200, household(1, { members: MEMBERS, can_designate_voter: true }))
  await tap(page, '#voter-head')
  await until(() => wx.server.calls('PUT', '/households/1/voter').length === 2 && !page.data.busy)
  expect(wx.server.calls('PUT', '/households/1/voter')[1].data).toEqual({ user_id: null })
})

test('普通居民：说明只给楼栋长、网格员和工作人员用，不请求', async () => {
  const page = await open(RESIDENT)
  expect(page.querySelector('#not-allowed')).toBeDefined()
  expect(wx.request).not.toHaveBeenCalled()
})

test('点开一户：去“家人代办”（凭户主书面同意）和“短信通知”（代为登记），带上住户编号和地址', async () => {
  wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(2)], next_cursor: null })
  const page = await open(BHEAD)
  await openHousehold(page, household(2))
  await tap(page, '#helpers-btn')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/helpers/helpers?household=2&address=${encodeURIComponent('3幢 1单元 201室')}` })
  await tap(page, '#sms-btn')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/sms/sms?household=2&address=${encodeURIComponent('3幢 1单元 201室')}` })
})
