// 把院坝自己的隐私同意交给微信：微信没记下同意时（onNeedPrivacyAuthorization），当前页面的 <privacy-popup>
// 请用户点 open-type="agreePrivacyAuthorization" 的“同意”，再 resolve 让原来的隐私接口继续。
const fs = require('fs')
const path = require('path')
const { installWx, flush } = require('./wx-mock')
const { loadPage, attr, dispatch, tap } = require('./page-helper')
const scan = require('./contract-scan')
const privacy = require('../utils/privacy')

const ROOT = path.resolve(__dirname, '..')
// upload.pickOnePhoto 里面是 wx.chooseMedia：用它的页面、用 behaviors/one-photo.js（拍照时调它）的页面一样要放弹框
const PRIVATE_APIS = /\bwx\.(getLocation|chooseMedia|chooseImage|setClipboardData|getClipboardData)\s*\(|\bupload\.pickOnePhoto\s*\(|\brequire\('[./]*behaviors\/one-photo'\)/

let wx
let pages
beforeEach(() => {
  wx = installWx()
  pages = []
})
afterEach(() => {
  pages.forEach(page => page.detach())
})

// 打开一个放了 <privacy-popup> 的页面（不调 onLoad：这里只看弹框），返回 [页面, 弹框]
function openPage() {
  const page = loadPage('pages/privacy/privacy')
  pages.push(page)
  return [page, page.querySelector('#privacy-popup')]
}

// 微信触发一次 onNeedPrivacyAuthorization，返回 resolve 收到的每一次回答
function wechatAsks() {
  privacy.watchWechatAuthorization()
  const listener = wx.onNeedPrivacyAuthorization.mock.calls[0][0]
  const answers = []
  listener(answer => answers.push(answer), { referrer: 'setClipboardData' })
  return answers
}

test('微信要同意时弹框（并告诉微信已显示）；点“同意”：带按钮 id 回答 agree，弹框关上', async () => {
  const [, popup] = openPage()
  expect(popup.querySelector('#privacy-mask')).toBeUndefined()

  const answers = wechatAsks()
  await flush()

  expect(answers).toEqual([{ event: 'exposureAuthorization' }])
  expect(popup.querySelector('#privacy-mask')).toBeDefined()
  expect(attr(popup, '#privacy-agree-btn', 'openType')).toBe('agreePrivacyAuthorization') // WXML 的 open-type

  await dispatch(popup, '#privacy-agree-btn', 'agreeprivacyauthorization')
  await flush()

  expect(answers).toEqual([{ event: 'exposureAuthorization' }, { buttonId: 'privacy-agree-btn', event: 'agree' }])
  expect(popup.querySelector('#privacy-mask')).toBeUndefined()
})

test('点“不同意”：回答 disagree（原来的接口失败），弹框关上', async () => {
  const [, popup] = openPage()
  const answers = wechatAsks()
  await flush()

  await tap(popup, '#privacy-disagree-btn')
  await flush()

  expect(answers).toEqual([{ event: 'exposureAuthorization' }, { event: 'disagree' }])
  expect(popup.querySelector('#privacy-mask')).toBeUndefined()
})

test('弹框还没答页面就关了：回答 disagree', async () => {
  const [page] = openPage()
  const answers = wechatAsks()
  await flush()

  page.detach()
  pages = []

  expect(answers).toEqual([{ event: 'exposureAuthorization' }, { event: 'disagree' }])
})

test('当前页面没有弹框：马上回答 disagree，原来的接口不会一直挂着', () => {
  const [page] = openPage()
  page.detach()
  pages = []

  expect(wechatAsks()).toEqual([{ event: 'disagree' }])
})

test('基础库太旧（没有 onNeedPrivacyAuthorization）：什么也不做', () => {
  delete wx.onNeedPrivacyAuthorization
  expect(() => privacy.watchWechatAuthorization()).not.toThrow()
})

test('小程序启动时注册监听（app.js 的 onLaunch）', () => {
  global.App = jest.fn()
  jest.isolateModules(() => require('../app'))
  global.App.mock.calls[0][0].onLaunch()
  expect(wx.onNeedPrivacyAuthorization).toHaveBeenCalledTimes(1)
  delete global.App
})

test('调用隐私接口（位置、选图、剪贴板）的页面都放了 <privacy-popup>', () => {
  const pagesUsing = scan
    .listSourceFiles(path.join(ROOT, 'pages'))
    .filter(file => PRIVATE_APIS.test(scan.stripComments(fs.readFileSync(file, 'utf8'))))
    .map(file => file.slice(0, -'.js'.length))
  expect(pagesUsing.map(p => path.relative(ROOT, p)).sort()).toEqual(['pages/helpers/helpers', 'pages/households/households', 'pages/matter-new/matter-new', 'pages/money/collect', 'pages/poll-paper/poll-paper', 'pages/privacy/privacy'])
  for (const page of pagesUsing) {
    const json = JSON.parse(fs.readFileSync(`${page}.json`, 'utf8'))
    expect(json.usingComponents['privacy-popup']).toBe('/components/privacy-popup/privacy-popup')
    expect(fs.readFileSync(`${page}.wxml`, 'utf8')).toMatch(/<privacy-popup id="privacy-popup" \/>/)
  }
})
