// 首页的“表决”入口（首页的其余测试在 page-index.test.js）。
// 在 page-polls.test.js 里先渲染表决列表页、再渲染首页时 miniprogram-simulate 编译模板报错，所以单放一个文件。
const fs = require('fs')
const path = require('path')
const { installWx } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const api = require('../utils/api')

const HOUSEHOLD = { id: 2, community_id: 1, community_name: '东海社区', building_id: 3, building_name: '3幢', unit: '1单元', room: '102', is_head: true }
const RESIDENT = { id: 42, name: '宋永华', roles: [{ role: 'resident', scope_id: 2, scope_name: null }], household: HOUSEHOLD }

let wx
beforeEach(() => {
  wx = installWx()
})

test('首页有“表决”入口，点了去表决列表；四个表决页面都登记了', async () => {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: RESIDENT })
  wx.server.reply('GET', '/me', 200, RESIDENT)
  wx.server.reply('GET', '/notifications/unread-count', 200, { unread: 0 })
  const home = loadPage('pages/index/index')
  await home.instance.onShow()
  expect(textOf(home, '#polls-entry')).toContain('表决')
  await tap(home, '#polls-entry')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/polls/polls' })

  const app = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'app.json'), 'utf8'))
  expect(app.pages).toEqual(expect.arrayContaining([
    'pages/polls/polls', 'pages/poll/poll', 'pages/poll-paper/poll-paper', 'pages/poll-supervise/poll-supervise',
  ]))
})
