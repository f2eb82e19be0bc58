const { installWx, until, flush } = require('./wx-mock')
const { loadPage, textOf, attr, tap, input } = require('./page-helper')
const api = require('../utils/api')
const privacy = require('../utils/privacy')

const USER = { id: 1, name: '张大爷', phone: '138****5678', roles: [], household: null }
const NOTICE = {
  version: '2026-11-22',
  title: '院坝隐私政策',
  sections: [
    { heading: '我们收集什么', text: '微信登录标识（openid）；您填写的姓名和电话。' },
    { heading: '保存多久', text: '账号存在期间保存。' },
  ],
}
const EXPORT = {
  exported_at: '2026-11-23T08:00:00+00:00',
  profile: { id: 1, name: '张大爷', phone: '13812345678', openid: 'o-abc', roles: [] },
  household: { id: 11, building_id: 3, unit: '2', room: '501', floor_area: '89.50', is_head: true },
  sessions: [{ id: 1 }, { id: 2 }],
  matters: [{ id: 5, title: '路灯坏了' }, { id: 6, title: '下水道堵了' }, { id: 9, title: '楼道堆物' }],
  matter_timeline_entries: [{ matter_id: 5, action: 'comment' }],
  photos: [{ id: 7 }, { id: 8 }],
  meeting_replies: [{ meeting_id: 2, reply: 'yes' }],
  poll_participation: [],
  objections: [],
  notifications: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }],
  subscription_consents: [{ template_id: 'T1', remaining: 2 }],
}

let wx
beforeEach(() => {
  wx = installWx()
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: USER })
  wx.storage[privacy.CONSENT_KEY] = NOTICE.version
})

async function open() {
  wx.server.reply('GET', '/privacy-notice', 200, NOTICE)
  const page = loadPage('pages/privacy/privacy')
  await page.instance.onLoad()
  return page
}

// 摘要里的一行：“诉求 3 条”
function row(page, key) {
  return `${textOf(page, `#summary-${key} .summary-label`)} ${textOf(page, `#summary-${key} .summary-value`)}`
}

function eraseCalls() {
  return wx.server.calls('POST', '/me/erase')
}

test('没登录：去登录页，不请求后端', async () => {
  api.clearSession()
  const page = loadPage('pages/privacy/privacy')
  await page.instance.onLoad()
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
  expect(wx.request).not.toHaveBeenCalled()
})

test('再看一遍隐私政策：标题和每一段', async () => {
  const page = await open()
  expect(textOf(page, '#notice-title')).toBe('院坝隐私政策')
  const headings = page.querySelectorAll('.notice-heading').map(n => n.dom.textContent.trim())
  expect(headings).toEqual(['我们收集什么', '保存多久'])
  expect(textOf(page, '#privacy-notice')).toContain('账号存在期间保存。')
})

test('隐私政策读不到：显示说明和“重新加载”，点了再读', async () => {
  wx.server.reply('GET', '/privacy-notice', 503, { error: { code: 'service_unavailable', message: '服务正在维护，请稍后再试', details: {} } })
  const page = loadPage('pages/privacy/privacy')
  await page.instance.onLoad()
  expect(textOf(page, '#notice-error')).toBe('服务正在维护，请稍后再试')

  wx.server.reply('GET', '/privacy-notice', 200, NOTICE)
  await tap(page, '#notice-retry-btn')
  await until(() => page.querySelector('#notice-title') !== undefined)
  expect(textOf(page, '#notice-title')).toBe('院坝隐私政策')
  expect(page.querySelector('#notice-error')).toBeUndefined()
})

describe('下载我的信息', () => {
  test('显示每一栏有多少条；“复制全部信息”把完整 JSON 放进剪贴板', async () => {
    wx.server.reply('GET', '/me/export', 200, EXPORT)
    const page = await open()
    expect(page.querySelector('#export-summary')).toBeUndefined()
    expect(page.querySelector('#copy-export-btn')).toBeUndefined()

    await tap(page, '#export-btn')
    await until(() => page.querySelector('#export-summary') !== undefined)

    expect(wx.server.calls('GET', '/me/export')).toHaveLength(1)
    expect(wx.server.calls('GET', '/me/export')[0].header.Authorization).toBe('Bearer tok')
    expect(row(page, 'matters')).toBe('诉求 3 条')
    expect(row(page, 'notifications')).toBe('通知 4 条')
    expect(row(page, 'photos')).toBe('照片 2 张')
    expect(row(page, 'meeting_replies')).toBe('会议回复 1 条')
    expect(row(page, 'poll_participation')).toBe('参加表决 0 次')
    expect(row(page, 'sessions')).toBe('登录记录 2 次')
    expect(row(page, 'name')).toBe('姓名 张大爷')
    expect(row(page, 'household')).toBe('住户 已绑定')

    await tap(page, '#copy-export-btn')
    await flush()
    expect(wx.setClipboardData).toHaveBeenCalledTimes(1)
    expect(JSON.parse(wx.clipboard)).toEqual(EXPORT)
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已复制，可以粘贴保存' }))
  })

  test('下载失败：显示后端的说明，没有摘要也不能复制', async () => {
    wx.server.reply('GET', '/me/export', 503, { error: { code: 'service_unavailable', message: '服务正在维护，请稍后再试', details: {} } })
    const page = await open()

    await tap(page, '#export-btn')
    await until(() => page.querySelector('#export-error') !== undefined)

    expect(textOf(page, '#export-error')).toBe('服务正在维护，请稍后再试')
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '服务正在维护，请稍后再试' }))
    expect(page.querySelector('#export-summary')).toBeUndefined()
    page.instance.onCopyExport()
    expect(wx.setClipboardData).not.toHaveBeenCalled()
  })
})

describe('注销账号', () => {
  async function openErase() {
    const page = await open()
    await tap(page, '#open-erase-btn')
    return page
  }

  test('讲清楚删什么、留什么', async () => {
    const page = await openErase()
    const deleted = textOf(page, '#erase-deleted')
    for (const word of ['姓名', '电话', '微信标识', '登录', '住户绑定', '角色', '消息']) expect(deleted).toContain(word)
    const kept = textOf(page, '#erase-kept')
    expect(kept).toContain('不再写您的名字')
    for (const word of ['反映的诉求', '已投的票', '会议回复']) expect(kept).toContain(word)
  })

  test('没输入“注销账号”：按钮是灰的，点了也不发请求、不弹确认框', async () => {
    const page = await openErase()
    expect(attr(page, '#erase-btn', 'disabled')).toBe(true)

    await input(page, '#erase-input', '注销')
    expect(attr(page, '#erase-btn', 'disabled')).toBe(true)
    await tap(page, '#erase-btn')
    await page.instance.onErase()
    await flush()

    expect(textOf(page, '#erase-error')).toBe('请在框里输入“注销账号”四个字')
    expect(wx.showModal).not.toHaveBeenCalled()
    expect(eraseCalls()).toHaveLength(0)
    expect(api.getToken()).toBe('tok')
  })

  test('输入对了、确认框点“取消”：不注销', async () => {
    const page = await openErase()
    await input(page, '#erase-input', '注销账号')
    expect(attr(page, '#erase-btn', 'disabled')).toBe(false)
    wx.modalConfirm = false

    await tap(page, '#erase-btn')
    await flush()
    await flush()

    expect(wx.showModal).toHaveBeenCalledTimes(1)
    expect(eraseCalls()).toHaveLength(0)
    expect(api.getToken()).toBe('tok')
    expect(wx.reLaunch).not.toHaveBeenCalled()
  })

  test('输入“注销账号”并确认：POST /me/erase {confirm: "注销账号"}，204 后清掉登录状态，回登录页', async () => {
    wx.server.reply('POST', '/me/erase', 204)
    const page = await openErase()
    await input(page, '#erase-input', '注销账号')

    await tap(page, '#erase-btn')
    await until(() => wx.reLaunch.mock.calls.length > 0)

    expect(wx.showModal).toHaveBeenCalledTimes(1)
    expect(wx.showModal.mock.calls[0][0].content).toContain('不能恢复')
    expect(eraseCalls()).toHaveLength(1)
    expect(eraseCalls()[0].data).toEqual({ confirm: '注销账号' })
    expect(eraseCalls()[0].header.Authorization).toBe('Bearer tok')
    expect(api.getToken()).toBe('')
    expect(api.getUser()).toBe(null)
    expect(wx.storage[privacy.CONSENT_KEY]).toBeUndefined() // 再登录是新账号，要重新同意
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '账号已注销' }))
    expect(wx.server.unexpected).toEqual([])
  })

  test('后端拒绝：显示后端的说明，登录状态不动，留在本页', async () => {
    wx.server.reply('POST', '/me/erase', 422, { error: { code: 'validation_error', message: '请输入“注销账号”确认', details: {} } })
    const page = await openErase()
    await input(page, '#erase-input', '注销账号')

    await tap(page, '#erase-btn')
    await until(() => page.querySelector('#erase-error') !== undefined)

    expect(textOf(page, '#erase-error')).toBe('请输入“注销账号”确认')
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请输入“注销账号”确认' }))
    expect(api.getToken()).toBe('tok')
    expect(wx.reLaunch).not.toHaveBeenCalled()
    expect(page.data.erasing).toBe(false)
  })

  test('登录已失效（401）：不静默重新登录（那会新建一个账号），也不清理', async () => {
    wx.server.reply('POST', '/me/erase', 401, { error: { code: 'invalid_token', message: '登录已失效，请重新登录', details: {} } })
    const page = await openErase()
    await input(page, '#erase-input', '注销账号')

    await tap(page, '#erase-btn')
    await until(() => page.querySelector('#erase-error') !== undefined)

    expect(wx.login).not.toHaveBeenCalled()
    expect(wx.server.calls('POST', '/auth/login')).toHaveLength(0)
    expect(eraseCalls()).toHaveLength(1)
    expect(textOf(page, '#erase-error')).toBe('登录已失效，请重新登录')
  })
})
