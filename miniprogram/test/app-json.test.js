// app.json 登记的页面都存在；源码里跳转的页面都登记了（否则真机上跳转会失败）。
const fs = require('fs')
const path = require('path')
const scan = require('./contract-scan')

const ROOT = path.resolve(__dirname, '..')
const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'))

test('诉求相关页面都已登记，详情页是 pages/matter/matter', () => {
  expect(app.pages).toEqual(expect.arrayContaining([
    'pages/matter-new/matter-new', 'pages/matters/matters', 'pages/matter/matter', 'pages/triage/triage',
  ]))
  expect(app.pages[0]).toBe('pages/index/index')
})

test('会议页面都已登记：列表、详情（通知里的 page 指向 pages/meeting/meeting）、扫码签到落地页、召集', () => {
  expect(app.pages).toEqual(expect.arrayContaining([
    'pages/meetings/meetings', 'pages/meeting/meeting', 'pages/meeting/checkin', 'pages/meeting-new/meeting-new',
  ]))
})

test.each(app.pages)('%s 的四个文件都在', page => {
  for (const ext of ['js', 'json', 'wxml', 'wxss']) {
    expect(fs.existsSync(path.join(ROOT, `${page}.${ext}`))).toBe(true)
  }
})

test('源码里 navigateTo / redirectTo / reLaunch 的页面都已登记', () => {
  const targets = new Set()
  for (const file of scan.listSourceFiles(ROOT)) {
    const src = scan.stripComments(fs.readFileSync(file, 'utf8'))
    const re = /url:\s*[`'"]\/(pages\/[a-z-]+\/[a-z-]+)/g
    let m
    while ((m = re.exec(src)) !== null) targets.add(m[1])
  }
  expect(targets.size).toBeGreaterThan(4)
  for (const target of targets) expect(app.pages).toContain(target)
})

test('用到 wx.getLocation：声明了位置权限的用途', () => {
  expect(app.requiredPrivateInfos).toContain('getLocation')
  expect(app.permission['scope.userLocation'].desc).toBeTruthy()
})
