// 首页的“社区账本”入口（和 page-index-polls.test.js 一样单放一个文件：同一个文件里先后渲染两个页面时
// miniprogram-simulate 编译模板可能报错）。
const fs = require('fs')
const path = require('path')
const { installWx } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const { RESIDENT, login } = require('./money-fixtures')

let wx
beforeEach(() => {
  wx = installWx()
})

test('首页有“社区账本”入口，点了去社区账本；账本、预算的七个页面都登记了', async () => {
  login(RESIDENT)
  wx.server.reply('GET', '/me', 200, RESIDENT)
  wx.server.reply('GET', '/notifications/unread-count', 200, { unread: 0 })
  const home = loadPage('pages/index/index')
  await home.instance.onShow()
  expect(textOf(home, '#money-entry')).toContain('社区账本')
  await tap(home, '#money-entry')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/money/index' })

  const app = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'app.json'), 'utf8'))
  expect(app.pages).toEqual(expect.arrayContaining([
    'pages/money/index', 'pages/money/statement', 'pages/money/contributions', 'pages/money/collect',
    'pages/budget/round', 'pages/budget/propose', 'pages/budget/project',
  ]))
})
