const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap, input } = require('./page-helper')
const api = require('../utils/api')

const PAGE = 'pages/sms/sms'
const RESIDENT = { id: 42, name: '宋永华', roles: [], household: { id: 9, community_id: 1 } }
const BHEAD = { id: 5, name: '张大爷', roles: [{ role: 'building_head', scope_id: 3, scope_name: '3幢' }], household: null }
const OFF = { household_id: 9, consented: false, phone: null, evidence: null, evidence_label: null, consented_at: null }
const ON = { household_id: 9, consented: true, phone: '138****1234', evidence: 'self', evidence_label: '本人在小程序中同意', consented_at: new Date().toISOString() }
const PATH = '/notifications/households/9/sms-consent'

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(user, consent = OFF) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
  wx.server.reply('GET', PATH, 200, consent)
  const page = loadPage(PAGE)
  await page.instance.onLoad({ household: '9' })
  return page
}

test('本户：说明发什么、每天上限；填手机号开通，显示打码的号码', async () => {
  const page = await open(RESIDENT)
  expect(textOf(page, '#sms-explain')).toContain('开会通知、投票开始和结束、您的诉求办结')
  expect(textOf(page, '#sms-explain')).toContain('每户每天最多')
  expect(textOf(page, '#sms-off')).toBe('没有开通短信通知')
  expect(page.querySelector('#evidence-written')).toBeUndefined() // 自己同意，不用选怎么同意的

  await input(page, '#phone-input', '138 0013 1234')
  wx.server.reply('PUT', PATH, 200, ON)
  await tap(page, '#save-btn')
  await until(() => page.data.consent.on && !page.data.busy)
  expect(wx.server.calls('PUT', PATH)[0].data).toEqual({ phone: '13800131234' })
  expect(textOf(page, '#sms-phone')).toBe('138****1234')
  expect(textOf(page, '#sms-on')).toContain('本人在小程序中同意')
})

test('号码不对（422）：写出后端的中文说明', async () => {
  const page = await open(RESIDENT)
  await input(page, '#phone-input', '0571888888888')
  wx.server.reply('PUT', PATH, 422, { error: { code: 'validation_error', message: '请填写正确的手机号码（11位，短信只能发到手机）', details: {} } })
  await tap(page, '#save-btn')
  await until(() => !page.data.busy && wx.server.calls('PUT', PATH).length === 1)
  expect(textOf(page, '#form-error')).toBe('请填写正确的手机号码（11位，短信只能发到手机）')
})

test('楼栋长替老人登记：要选怎么同意的，带 evidence 发', async () => {
  const page = await open(BHEAD)
  await input(page, '#phone-input', '13800131234')
  await tap(page, '#save-btn')
  expect(textOf(page, '#form-error')).toBe('请选择居民是怎么同意接收短信的')
  expect(wx.server.calls('PUT', PATH)).toHaveLength(0)

  await tap(page, '#evidence-in_person')
  wx.server.reply('PUT', PATH, 200, Object.assign({}, ON, { evidence: 'in_person', evidence_label: '当面口头同意' }))
  await tap(page, '#save-btn')
  await until(() => page.data.consent.on && !page.data.busy)
  expect(wx.server.calls('PUT', PATH)[0].data).toEqual({ phone: '13800131234', evidence: 'in_person' })
  expect(textOf(page, '#sms-on')).toContain('当面口头同意')
})

test('不要短信了：先确认，取消就不发；确认后 DELETE，显示没有开通', async () => {
  const page = await open(RESIDENT, ON)
  wx.modalConfirm = false
  await tap(page, '#withdraw-btn')
  await until(() => wx.showModal.mock.calls.length === 1)
  expect(wx.showModal.mock.calls[0][0].content).toContain('手机号码会删除')
  expect(wx.server.calls('DELETE', PATH)).toHaveLength(0)

  wx.modalConfirm = true
  wx.server.reply('DELETE', PATH, 200, OFF)
  await tap(page, '#withdraw-btn')
  await until(() => !page.data.consent.on && !page.data.busy)
  expect(wx.server.calls('DELETE', PATH)).toHaveLength(1)
  expect(textOf(page, '#sms-off')).toBe('没有开通短信通知')
})

test('住户编号不对（打开的地址坏了）：写在页面上，不请求；没登录的去登录', async () => {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: RESIDENT })
  const page = loadPage(PAGE)
  await page.instance.onLoad({ household: 'abc' })
  expect(textOf(page, '#load-error')).toBe('住户编号不对')
  expect(wx.server.calls('GET', PATH)).toHaveLength(0)

  api.clearSession()
  await loadPage(PAGE).instance.onLoad({ household: '9' })
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
  expect(wx.server.calls('GET', PATH)).toHaveLength(0)
})
