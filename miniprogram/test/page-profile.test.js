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
