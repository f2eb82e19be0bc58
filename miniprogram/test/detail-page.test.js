// 一件东西的页面进页面和读取（utils/detail-page.js）：没登录去登录页，编号不对不请求、写在页面上，读不到写出说明。
const { installWx } = require('./wx-mock')
const api = require('../utils/api')
const detailPage = require('../utils/detail-page')

let wx
beforeEach(() => {
  wx = installWx()
})

function fakePage() {
  const page = {
    data: {},
    setData(fields) {
      Object.assign(page.data, fields)
    },
  }
  return page
}

function login() {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: { id: 1 } })
}

test('没登录：去登录页，不往下读', async () => {
  const page = fakePage()
  const load = jest.fn()
  await detailPage.openById(page, { id: '3' }, '项目编号不对', load)
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
  expect(load).not.toHaveBeenCalled()
  expect(page.data).toEqual({})
})

test('编号不对：写在页面上；先读一件东西再列名单的页面写进 pageLoaded / pageError，编号可以换参数名', () => {
  login()
  const page = fakePage()
  expect(detailPage.queryId(page, { id: '0' }, '账目编号不对')).toBeNull()
  expect(page.data).toEqual({ loaded: true, loadError: '账目编号不对' })
  expect(detailPage.queryId(page, {}, '账目编号不对')).toBeNull()

  const listPage = fakePage()
  expect(detailPage.queryId(listPage, { id: '7' }, '基金编号不对', { key: 'fund_id', fields: detailPage.PAGE_FIELDS })).toBeNull()
  expect(listPage.data).toEqual({ pageLoaded: true, pageError: '基金编号不对' })
  expect(detailPage.queryId(listPage, { fund_id: '7' }, '基金编号不对', { key: 'fund_id', fields: detailPage.PAGE_FIELDS })).toBe(7)
  expect(wx.reLaunch).not.toHaveBeenCalled()
})

test('编号对：记下编号再由页面读', async () => {
  login()
  const page = fakePage()
  const load = jest.fn(function load() {
    return Promise.resolve(this.data.id)
  })
  await expect(detailPage.openById(page, { id: '12' }, '项目编号不对', load)).resolves.toBe(12)
  expect(page.data).toEqual({ id: 12 })
})

test('读到了交给页面显示、清掉之前的错误；读不到写出说明', async () => {
  const page = fakePage()
  page.data.loadError = '网络不太好'
  const show = jest.fn(function show(s) {
    this.setData({ loaded: true, title: s.title })
  })
  await expect(detailPage.loadShown(page, Promise.resolve({ title: '11月账目' }), show)).resolves.toEqual({ title: '11月账目' })
  expect(page.data).toEqual({ loaded: true, title: '11月账目', loadError: '' })

  const failed = fakePage()
  await expect(detailPage.loadShown(failed, Promise.reject(new Error('这份账目不存在')), show)).resolves.toBeNull()
  expect(failed.data).toEqual({ loaded: true, loadError: '这份账目不存在' })
})
