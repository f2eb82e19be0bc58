// 一件东西的页面（/pages/…?id=N：诉求、会议、表决、预算、项目、账目……）共用的进页面和读取：
// 没登录去登录页；编号不对时不请求后端，把说明写在页面上；读不到时写出后端的说明。
//
//   onLoad(query) { return detailPage.openById(this, query, '项目编号不对', this.load) },
//   load() {
//     // 路径在页面里直接写 api.get('/字面量路径', …)，契约测试（test/contract-scan.js）才扫得到
//     return detailPage.loadShown(this, api.get(`/budget-projects/${this.data.id}`, undefined, { silent: true }), this.show)
//   },
//
// 页面 data 里用 loaded / loadError 写“读完了、出错了”。先读一件东西、再用 utils/paged-list.js 列名单的页面，
// 名单已经用了这两个字段，整页的用 pageLoaded / pageError（queryId 的 fields: PAGE_FIELDS）。
const auth = require('./auth')

const LOAD_FIELDS = ['loaded', 'loadError']
const PAGE_FIELDS = ['pageLoaded', 'pageError']

// 进页面时先调：没登录去登录页；query[key] 不是正整数时把 badText 写在页面上。
// 能往下读时返回编号，不能时返回 null。
function queryId(page, query, badText, { key = 'id', fields = LOAD_FIELDS } = {}) {
  if (!auth.requireLogin()) return null
  const id = Number(query && query[key])
  if (Number.isInteger(id) && id > 0) return id
  page.setData({ [fields[0]]: true, [fields[1]]: badText })
  return null
}

// 只要记下编号（data.id）就去读的页面：onLoad 直接返回它
function openById(page, query, badText, load) {
  const id = queryId(page, query, badText)
  if (!id) return Promise.resolve()
  page.setData({ id })
  return load.call(page)
}

// 等页面发出的读取（request）：读到了交给 show，清掉 loadError，返回读到的；读不到时写出说明，返回 null
async function loadShown(page, request, show) {
  try {
    const data = await request
    show.call(page, data)
    page.setData({ loadError: '' })
    return data
  } catch (err) {
    page.setData({ loaded: true, loadError: err.message })
    return null
  }
}

module.exports = { PAGE_FIELDS, queryId, openById, loadShown }
