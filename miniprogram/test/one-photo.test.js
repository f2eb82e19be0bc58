// 表单里的一张照片（behaviors/one-photo.js，收自筹款和录入纸质票共用）：传的时候的进度和提交前的说明，
// 删掉还在传的那张就停下、回来的结果不再写，点开看大图，表单忙时不换照片。
const simulate = require('miniprogram-simulate')
const { installWx, until } = require('./wx-mock')
const api = require('../utils/api')
const onePhoto = require('../behaviors/one-photo')

const PHOTO = { id: 55, url: 'https://yb.example/media/55.jpg', thumbnail_url: 'https://yb.example/media/55-t.jpg', width: 800, height: 600 }

let wx
let formId
beforeAll(() => {
  formId = simulate.load({ template: '<view id="photo">{{photo.status}}</view>', data: { busy: '', formError: '' }, behaviors: [onePhoto] })
})
beforeEach(() => {
  wx = installWx()
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: { id: 1 } })
})

function render() {
  const form = simulate.render(formId)
  form.attach(document.createElement('parent-wrapper'))
  return form
}

// 拍一张，上传先挂着：返回挂着的上传和这次上传的 Promise
async function takeHeld(form, file = 'wxfile://receipt.jpg') {
  wx.chooseMediaReplies.push({ tempFiles: [{ tempFilePath: file }] })
  wx.uploadReplies.push({ hold: true })
  const count = wx.heldUploads.length
  const uploading = form.instance.onTakePhoto()
  await until(() => wx.heldUploads.length === count + 1)
  return { held: wx.heldUploads[count], uploading }
}

test('传的时候写进度、提交前说“还在上传”；传好了带上照片编号，没有要说的', async () => {
  const form = render()
  expect(form.instance.photoProblem()).toBe('')
  const { held } = await takeHeld(form)
  held.progress(40)
  expect(form.data.photo).toMatchObject({ path: 'wxfile://receipt.jpg', status: 'uploading', progress: 40, id: null })
  expect(form.instance.photoProblem()).toBe('照片还在上传，请稍等一下')

  held.finish(201, PHOTO)
  await until(() => form.data.photo.status === 'done')
  expect(form.data.photo).toMatchObject({ progress: 100, id: 55 })
  expect(form.instance.photoProblem()).toBe('')

  form.instance.onPreviewPhoto()
  expect(wx.previewImage).toHaveBeenCalledWith({ urls: ['wxfile://receipt.jpg'], current: 'wxfile://receipt.jpg' })
})

test('没传上去：说明要重试；重试用同一个幂等键', async () => {
  const form = render()
  const { held } = await takeHeld(form)
  held.finish(500, { error: { code: 'internal', message: '服务器出错了' } })
  await until(() => form.data.photo.status === 'failed')
  expect(form.instance.photoProblem()).toBe('照片没传上去：请点“重试”，或者重新拍')

  wx.uploadReplies.push({ statusCode: 201, data: PHOTO })
  await form.instance.onRetryPhoto()
  expect(form.data.photo.status).toBe('done')
  expect(wx.uploads).toHaveLength(2)
  expect(wx.uploads[1].header['Idempotency-Key']).toBe(wx.uploads[0].header['Idempotency-Key'])
})

test('删掉或换一张还在传的：停下上传，前一张的结果不写到后来的照片上', async () => {
  const form = render()
  const first = await takeHeld(form)
  form.instance.onRemovePhoto()
  expect(first.held.task.abort).toHaveBeenCalled()
  expect(form.data.photo).toBeNull()

  const second = await takeHeld(form, 'wxfile://second.jpg')
  const third = await takeHeld(form, 'wxfile://third.jpg')
  expect(second.held.task.abort).toHaveBeenCalled()
  second.held.finish(201, PHOTO)
  await second.uploading
  expect(form.data.photo).toMatchObject({ path: 'wxfile://third.jpg', status: 'uploading' })

  third.held.finish(201, Object.assign({}, PHOTO, { id: 56 }))
  await third.uploading
  expect(form.data.photo).toMatchObject({ path: 'wxfile://third.jpg', status: 'done', id: 56 })
})

test('表单正在提交时不换照片；取消选照片时什么都不变', async () => {
  const form = render()
  form.setData({ busy: 'submit' })
  await form.instance.onTakePhoto()
  expect(wx.chooseMedia).not.toHaveBeenCalled()

  form.setData({ busy: '' })
  await form.instance.onTakePhoto()
  expect(wx.chooseMedia).toHaveBeenCalledTimes(1)
  expect(form.data.photo).toBeNull()
  expect(wx.uploads).toHaveLength(0)
})
