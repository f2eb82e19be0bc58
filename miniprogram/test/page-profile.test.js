const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap, input } = require('./page-helper')
const api = require('../utils/api')

const PAGE = 'pages/profile/profile'
const USER = { id: 42, name: '宋永华', phone: '131****5536', roles: [], household: null }

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(user = USER) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  return page
}

test('填好原来的姓名；只改姓名时 PATCH /me 只发 name，存下后端返回的用户', async () => {
  const page = await open()
  expect(page.data.name).toBe('宋永华')
  await input(page, '#name-input', ' 宋永华（3幢） ')
  wx.server.reply('PATCH', '/me', 200, Object.assign({}, USER, { name: '宋永华（3幢）' }))
  await tap(page, '#save-btn')
  await until(() => !page.data.busy && wx.server.calls('PATCH', '/me').length === 1)
  expect(wx.server.calls('PATCH', '/me')[0].data).toEqual({ name: '宋永华（3幢）' })
  expect(api.getUser().name).toBe('宋永华（3幢）')
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已保存' }))
})

test('填了电话就一起发；后端不收（422）时写出后端的中文说明', async () => {
  const page = await open()
  await input(page, '#phone-input', '123')
  wx.server.reply('PATCH', '/me', 422, { error: { code: 'validation_error', message: '电话：电话号码格式不正确', details: {} } })
  await tap(page, '#save-btn')
  await until(() => !page.data.busy && wx.server.calls('PATCH', '/me').length === 1)
  expect(wx.server.calls('PATCH', '/me')[0].data).toEqual({ name: '宋永华', phone: '123' })
  expect(textOf(page, '#form-error')).toBe('电话：电话号码格式不正确')
})

test('姓名空着不发', async () => {
  const page = await open()
  await input(page, '#name-input', '  ')
  await tap(page, '#save-btn')
  expect(textOf(page, '#form-error')).toBe('请填写姓名')
  expect(wx.server.calls('PATCH', '/me')).toHaveLength(0)
})

// 后端 Household（我家）
function home(fields = {}) {
  return Object.assign({
    id: 9, community_id: 1, building_id: 3, building_name: '3幢', unit: '1单元', room: '101', floor_area: 80,
    head_name: '宋永华', head_phone: '131****5536', elderly_alone: false, disabled: false, low_income: false,
    owner_ref: null, developer_held: false, can_designate_voter: true, can_issue_join_codes: false,
    members: [
      { user_id: 42, name: '宋永华', is_head: true, is_voter: false },
      { user_id: 43, name: '宋小红', is_head: false, is_voter: false },
    ],
  }, fields)
}
const HEAD = Object.assign({}, USER, { household: { id: 9, community_id: 1, is_head: true, building_name: '3幢', unit: '1单元', room: '101' } })

test('户主：“我家”列出家里的人，点一位家人指定他投票，点“户主投票”改回来', async () => {
  wx.server.reply('GET', '/households/9', 200, home())
  const page = await open(HEAD)
  await until(() => page.data.home)
  expect(textOf(page, '#home .subtitle')).toBe('我家：3幢 1单元 101室')
  expect(textOf(page, '#member-42')).toBe('宋永华 · 户主')
  expect(page.querySelector('#voter-42')).toBeUndefined() // 户主自己用“户主投票”

  const chosen = home({ members: [home().members[0], Object.assign({}, home().members[1], { is_voter: true })] })
  wx.server.reply('PUT', '/households/9/voter', 200, chosen)
  await tap(page, '#voter-43')
  await until(() => !page.data.voterBusy && page.data.members[1].isVoter)
  expect(wx.server.calls('PUT', '/households/9/voter')[0].data).toEqual({ user_id: 43 })
  expect(textOf(page, '#member-43')).toBe('宋小红 · 投票人')
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已指定' }))

  wx.server.reply('PUT', '/households/9/voter', 200, home())
  await tap(page, '#voter-head')
  await until(() => wx.server.calls('PUT', '/households/9/voter').length === 2 && !page.data.voterBusy)
  expect(wx.server.calls('PUT', '/households/9/voter')[1].data).toEqual({ user_id: null })
  expect(wx.server.unexpected).toEqual([])
})

test('家里其他人：看得到我家和谁投票，不能改', async () => {
  wx.server.reply('GET', '/households/9', 200, home({ can_designate_voter: false }))
  const page = await open(Object.assign({}, HEAD, { id: 43 }))
  await until(() => page.data.home)
  expect(textOf(page, '#home')).toContain('宋小红')
  expect(page.querySelector('#voter-form')).toBeUndefined()
})

test('没加入住户：没有“我家”，不去读', async () => {
  const page = await open()
  expect(page.querySelector('#home')).toBeUndefined()
  expect(wx.server.requests).toHaveLength(0)
})

test('退出所有设备：确认后 POST /auth/logout-everywhere，清掉本机登录，回登录页；取消就不发', async () => {
  const page = await open()
  wx.modalConfirm = false
  await tap(page, '#logout-everywhere-btn')
  await Promise.resolve()
  expect(wx.server.calls('POST', '/auth/logout-everywhere')).toHaveLength(0)

  wx.modalConfirm = true
  wx.server.reply('POST', '/auth/logout-everywhere', 204)
  await tap(page, '#logout-everywhere-btn')
  await until(() => wx.reLaunch.mock.calls.length === 1)
  expect(wx.server.calls('POST', '/auth/logout-everywhere')).toHaveLength(1)
  expect(api.getToken()).toBeFalsy()
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
})

test('退出所有设备没成功（网络）：本机仍是登录状态', async () => {
  const page = await open()
  wx.modalConfirm = true
  wx.server.networkFail('POST', '/auth/logout-everywhere', 'request:fail timeout')
  await tap(page, '#logout-everywhere-btn')
  await until(() => wx.server.calls('POST', '/auth/logout-everywhere').length >= 1)
  await new Promise(resolve => setTimeout(resolve, 20))
  expect(api.getToken()).toBe('tok')
  expect(wx.reLaunch).not.toHaveBeenCalled()
})

test('户主：“家人代办”“短信通知”去我家的页面；谁都有“帮家人办事”；家里其他人没有“家人代办”', async () => {
  wx.server.reply('GET', '/households/9', 200, home())
  const page = await open(HEAD)
  await until(() => page.data.home)
  await tap(page, '#helpers-btn')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/helpers/helpers?household=9&address=${encodeURIComponent('3幢 1单元 101室')}` })
  await tap(page, '#sms-btn')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/sms/sms?household=9&address=${encodeURIComponent('3幢 1单元 101室')}` })
  await tap(page, '#helping-btn')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/helping/helping' })

  wx.server.reply('GET', '/households/9', 200, home({ can_designate_voter: false }))
  const member = await open(Object.assign({}, HEAD, { id: 43 }))
  await until(() => member.data.home)
  expect(member.querySelector('#helpers-btn')).toBeUndefined()
  expect(member.querySelector('#sms-btn')).toBeTruthy()
})
