const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const api = require('../utils/api')

const PAGE = 'pages/helpers/helpers'
const HEAD = { id: 42, name: '宋永华', roles: [], household: { id: 9, community_id: 1, building_name: '3幢', unit: '1单元', room: '101' } }
const BHEAD = { id: 5, name: '张大爷', roles: [{ role: 'building_head', scope_id: 3, scope_name: '3幢' }], household: null }
const PHOTO = { id: 77, url: 'https://yb.example/media/77.jpg', thumbnail_url: 'https://yb.example/media/77-t.jpg', width: 800, height: 600 }

function helper(id, fields = {}) {
  return Object.assign({
    id, household_id: 9, user_id: 60 + id, name: '宋小明', rights: ['report_and_follow', 'receive_notices'], granted_as: 'head',
    granted_by_name: '宋永华', linked_at: new Date().toISOString(), consent_photo: null,
  }, fields)
}

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(user, helpers = [helper(1)]) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
  wx.server.reply('GET', '/households/9/helpers', 200, { items: helpers })
  const page = loadPage(PAGE)
  await page.instance.onLoad({ household: '9', address: encodeURIComponent('3幢 1单元 101室') })
  return page
}

test('户主：列出代办的家人和能办的事，写明投票不能代办；勾选后发代办码，大字显示有效期和怎么发给家人', async () => {
  const page = await open(HEAD)
  expect(textOf(page, '#helper-1')).toContain('宋小明')
  expect(textOf(page, '#helper-1')).toContain('可以：反映问题并跟进、收到通知')
  expect(textOf(page, '#no-vote')).toBe('投票不能代办：表决仍由户主或户主指定的家人自己投。')
  expect(page.querySelector('#photo-btn')).toBeUndefined() // 户主自己发，不用拍同意书

  await tap(page, '#issue-btn')
  expect(textOf(page, '#form-error')).toBe('请至少勾选一件让家人代办的事')
  expect(wx.server.calls('POST', '/households/9/helper-codes')).toHaveLength(0)

  await tap(page, '#right-report_and_follow')
  await tap(page, '#right-reply_meetings')
  wx.server.reply('POST', '/households/9/helper-codes', 201, {
    id: 3, code: 'ABCD2345', household_id: 9, rights: ['reply_meetings', 'report_and_follow'], expires_at: '2030-03-15T11:30:00Z',
  })
  await tap(page, '#issue-btn')
  await until(() => page.data.code)
  expect(wx.server.calls('POST', '/households/9/helper-codes')[0].data).toEqual({ rights: ['report_and_follow', 'reply_meetings'] })
  expect(textOf(page, '#code-text')).toBe('ABCD 2345')
  expect(textOf(page, '#code-expiry')).toContain('前有效，只能用一次')
  expect(textOf(page, '#code-rights')).toBe('可以：反映问题并跟进、替家里回复开会')
  expect(textOf(page, '#share-hint')).toContain('帮家人办事')
  await tap(page, '#copy-code-btn')
  expect(wx.clipboard).toBe('ABCD2345')
  expect(wx.server.unexpected).toEqual([])
})

test('不再让他代办：先确认，取消就不发；确认后 DELETE 并重读名单', async () => {
  const page = await open(HEAD)
  wx.modalConfirm = false
  await page.instance.onRevoke({ currentTarget: { dataset: { id: 1 } } })
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: expect.stringContaining('宋小明 以后不能再替这户办事') }))
  expect(wx.server.calls('DELETE', '/households/9/helpers/1')).toHaveLength(0)

  wx.modalConfirm = true
  wx.server.reply('DELETE', '/households/9/helpers/1', 204)
  wx.server.reply('GET', '/households/9/helpers', 200, { items: [] })
  await page.instance.onRevoke({ currentTarget: { dataset: { id: 1 } } })
  await until(() => page.querySelector('#no-helpers'))
  expect(wx.server.calls('DELETE', '/households/9/helpers/1')).toHaveLength(1)
  expect(textOf(page, '#no-helpers')).toBe('还没有。')
})

test('楼栋长替老人绑定：要先拍户主书面同意，发码时带 consent_photo_id；后端拒绝时写出中文说明', async () => {
  const page = await open(BHEAD, [helper(1, { granted_as: 'building_head', granted_by_name: '张大爷', consent_photo: PHOTO })])
  expect(textOf(page, '#helper-1')).toContain('由张大爷（楼栋长，凭户主书面同意）绑定')
  expect(page.querySelector('#consent-1')).toBeTruthy()

  await tap(page, '#right-receive_notices')
  await tap(page, '#issue-btn')
  expect(textOf(page, '#form-error')).toBe('请先拍下户主书面同意的照片')

  wx.chooseMediaReplies.push({ tempFiles: [{ tempFilePath: 'wxfile://consent.jpg' }] })
  wx.uploadReplies.push({ progress: [100], statusCode: 201, data: PHOTO })
  await page.instance.onTakePhoto()
  await until(() => page.data.photo && page.data.photo.status === 'done')

  wx.server.reply('POST', '/households/9/helper-codes', 403, { error: { code: 'forbidden', message: '您不负责这户，不能替这户办理', details: {} } })
  await tap(page, '#issue-btn')
  await until(() => !page.data.busy && wx.server.calls('POST', '/households/9/helper-codes').length === 1)
  expect(wx.server.calls('POST', '/households/9/helper-codes')[0].data).toEqual({ rights: ['receive_notices'], consent_photo_id: 77 })
  expect(textOf(page, '#form-error')).toBe('您不负责这户，不能替这户办理')
  expect(page.data.code).toBeNull()
})
