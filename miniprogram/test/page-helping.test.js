const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap, input } = require('./page-helper')
const api = require('../utils/api')

const PAGE = 'pages/helping/helping'
const USER = { id: 70, name: '宋小明', phone: null, roles: [], household: null }
const HELPING = { helper_id: 4, household_id: 9, address: '3幢1单元101', rights: ['report_and_follow', 'reply_meetings'] }

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(helping = []) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: USER })
  wx.server.reply('GET', '/me', 200, Object.assign({}, USER, { helping }))
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  return page
}

function linked() {
  return { id: 4, household_id: 9, user_id: 70, name: '宋小明', rights: HELPING.rights, granted_as: 'head', granted_by_name: '宋永华',
    linked_at: new Date().toISOString(), consent_photo: null }
}

test('输入代办码：带幂等键 POST /households/help，成功后列出我在替哪户办、能办什么', async () => {
  const page = await open()
  expect(textOf(page, '#no-helping')).toBe('还没有。')
  await input(page, '#code-input', ' abcd 2345 ')
  wx.server.reply('POST', '/households/help', 200, linked())
  wx.server.reply('GET', '/me', 200, Object.assign({}, USER, { helping: [HELPING] }))
  await tap(page, '#submit-btn')
  await until(() => page.data.items.length === 1)
  const call = wx.server.calls('POST', '/households/help')[0]
  expect(call.data).toEqual({ code: 'abcd2345' })
  expect(call.header['Idempotency-Key']).toBeTruthy()
  expect(textOf(page, '#linked')).toBe('✓ 已绑定，可以反映问题并跟进、替家里回复开会')
  expect(textOf(page, '#helping-4')).toContain('3幢1单元101')
  expect(textOf(page, '#helping-4')).toContain('可以：反映问题并跟进、替家里回复开会')
  expect(api.getUser().helping).toEqual([HELPING])
})

test.each([
  [404, 'helper_code_invalid', '代办码不正确，请核对后重新输入'],
  [410, 'helper_code_expired', '代办码已使用或已过期，请向户主或楼栋长重新索取'],
  [409, 'own_household', '您是这户的成员，无需绑定为家属代办'],
  [409, 'already_helping', '您已是这户的家属代办人'],
])('代办码不收（%s %s）：框下写出后端的中文说明', async (status, code, message) => {
  const page = await open()
  await input(page, '#code-input', 'ZZZZ9999')
  wx.server.reply('POST', '/households/help', status, { error: { code, message, details: {} } })
  wx.server.reply('GET', '/me', 200, Object.assign({}, USER, { helping: [] }))
  await tap(page, '#submit-btn')
  await until(() => !page.data.busy && wx.server.calls('GET', '/me').length === 2)
  expect(textOf(page, '#form-error')).toBe(message)
  expect(page.querySelector('#linked')).toBeUndefined()
})

test('没填代办码不发', async () => {
  const page = await open()
  await tap(page, '#submit-btn')
  expect(textOf(page, '#form-error')).toBe('请输入家人给您的代办码')
  expect(wx.server.calls('POST', '/households/help')).toHaveLength(0)
})

test('不再代办：先确认，取消就不发；确认后 DELETE 自己的代办并重读', async () => {
  const page = await open([HELPING])
  wx.modalConfirm = false
  await tap(page, '#stop-4')
  await until(() => wx.showModal.mock.calls.length === 1)
  expect(wx.showModal.mock.calls[0][0].content).toContain('以后不再替 3幢1单元101 办事')
  expect(wx.server.calls('DELETE', '/households/9/helpers/4')).toHaveLength(0)

  wx.modalConfirm = true
  wx.server.reply('DELETE', '/households/9/helpers/4', 204)
  wx.server.reply('GET', '/me', 200, Object.assign({}, USER, { helping: [] }))
  await tap(page, '#stop-4')
  await until(() => page.data.items.length === 0 && !page.data.busy)
  expect(wx.server.calls('DELETE', '/households/9/helpers/4')).toHaveLength(1)
  expect(page.querySelector('#helping-4')).toBeUndefined()
})
