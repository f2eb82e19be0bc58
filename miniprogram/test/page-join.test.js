const { installWx, until, flush } = require('./wx-mock')
const { loadPage, textOf, tap, input } = require('./page-helper')
const api = require('../utils/api')

const HOUSEHOLD = {
  id: 11, community_id: 1, community_name: '幸福里社区', building_id: 3,
  building_name: '3栋', unit: '2', room: '501', is_head: false,
}
const USER = { id: 1, name: '张大爷', phone: null, roles: [], household: null }

function typeCode(page, value) {
  return input(page, '#code-input', value)
}

function joinCalls() {
  return wx.server.calls('POST', '/households/join')
}

function apiError(code, message) {
  return { error: { code, message, details: {} } }
}

let wx
let page
beforeEach(() => {
  wx = installWx()
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: USER })
  page = loadPage('pages/join/join')
  page.instance.onLoad()
})

afterEach(() => {
  jest.useRealTimers()
})

test('显示索取入户码的提示、输入框和按钮', () => {
  expect(textOf(page, '#join-hint')).toBe('请向楼栋长或社区工作人员索取入户码')
  expect(page.querySelector('#code-input')).toBeDefined()
  expect(textOf(page, '#submit-btn')).toBe('确认绑定')
  expect(wx.reLaunch).not.toHaveBeenCalled()
})

test('未登录时打开绑定页会去登录页', () => {
  api.clearSession()
  const fresh = loadPage('pages/join/join')
  fresh.instance.onLoad()
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
})

test('输入时去空格、连字符，转大写（含全角字符）', async () => {
  await typeCode(page, ' ab cd-12 3４ ')
  expect(page.data.code).toBe('ABCD1234')
})

test('提交成功：带幂等键请求，显示楼栋/单元/房号，点“进入首页”回首页', async () => {
  wx.server.reply('POST', '/households/join', 200, { household: HOUSEHOLD, is_head: true })
  await typeCode(page, 'abcd 1234')

  await tap(page, '#submit-btn')
  await until(() => page.querySelector('#join-success') !== undefined)

  const calls = joinCalls()
  expect(calls).toHaveLength(1)
  expect(calls[0].data).toEqual({ code: 'ABCD1234' })
  expect(calls[0].header['Idempotency-Key']).toEqual(expect.any(String))
  expect(calls[0].header['Idempotency-Key'].length).toBeGreaterThan(8)

  expect(textOf(page, '#house-address')).toBe('3栋 2单元 501室')
  expect(textOf(page, '#join-success')).toContain('幸福里社区')
  expect(textOf(page, '#join-success')).toContain('户主')
  expect(page.querySelector('#code-input')).toBeUndefined()
  // 本地保存的用户信息也更新了住户
  expect(api.getUser().household).toMatchObject({ id: 11, building_name: '3栋', is_head: true })

  await tap(page, '#go-home-btn')
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' })
})

test('入户码格式不对：不请求后端，给出提示', async () => {
  await typeCode(page, 'abc12')
  await tap(page, '#submit-btn')
  await flush()

  expect(wx.request).not.toHaveBeenCalled()
  expect(textOf(page, '#join-error')).toBe('入户码是 8 位字母或数字，请核对后再输入')
})

test('入户码不存在（404）：显示后端的中文说明', async () => {
  wx.server.reply('POST', '/households/join', 404, apiError('join_code_invalid', '入户码不存在，请核对后再输入'))
  await typeCode(page, 'ZZZZ9999')

  await tap(page, '#submit-btn')
  await until(() => page.querySelector('#join-error') !== undefined)

  expect(textOf(page, '#join-error')).toBe('入户码不存在，请核对后再输入')
  expect(page.querySelector('#join-success')).toBeUndefined()
  expect(page.querySelector('#back-home-btn')).toBeUndefined()
})

test('已经绑定过住户（409）：提示并给“回到首页”按钮', async () => {
  wx.server.reply('POST', '/households/join', 409, apiError('already_member', '您已经绑定了住户'))
  await typeCode(page, 'ABCD1234')

  await tap(page, '#submit-btn')
  await until(() => page.querySelector('#back-home-btn') !== undefined)

  expect(textOf(page, '#join-error')).toBe('您已经绑定了住户')
  await tap(page, '#back-home-btn')
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' })
})

test('网络失败后再点一次：沿用同一个幂等键；后端明确拒绝后换新键', async () => {
  jest.useFakeTimers()
  wx.server
    .networkFail('POST', '/households/join')
    .networkFail('POST', '/households/join')
    .networkFail('POST', '/households/join')
    .reply('POST', '/households/join', 410, apiError('join_code_expired', '入户码已失效，请重新索取'))
    .reply('POST', '/households/join', 200, { household: HOUSEHOLD, is_head: false })
  await typeCode(page, 'ABCD1234')

  await tap(page, '#submit-btn')
  await jest.advanceTimersByTimeAsync(10000)
  expect(textOf(page, '#join-error')).toBe('网络不给力，请稍后再试')
  expect(joinCalls()).toHaveLength(3)

  await tap(page, '#submit-btn')
  await jest.advanceTimersByTimeAsync(10000)
  expect(textOf(page, '#join-error')).toBe('入户码已失效，请重新索取')

  await tap(page, '#submit-btn')
  await jest.advanceTimersByTimeAsync(10000)
  expect(page.querySelector('#join-success')).toBeDefined()

  const keys = joinCalls().map(r => r.header['Idempotency-Key'])
  expect(keys).toHaveLength(5)
  expect(new Set(keys.slice(0, 4)).size).toBe(1) // 3 次网络重试 + 再点一次，同一个键
  expect(keys[4]).not.toBe(keys[0]) // 410 之后的新提交换了键
})
