// 按 cursor 分页的列表（消息、我的诉求、三事分流、会议共用）：第一页、拉到底加载更多、出错后“重新加载”，
// 还有这类页面共同的生命周期（没登录去登录页、下拉刷新、拉到底）。
//
//   const list = pagedList({
//     // 读一页：cursor 为 null 时读第一页。页面在这里直接写 api.get('/字面量路径', …)，
//     // 契约测试（test/contract-scan.js）才能扫到路径。this 是页面。
//     fetch(cursor) { return api.get('/matters/mine', { cursor, limit: 20 }, { silent: true }) },
//     // 后端的一条 → 页面上的一条（要有 id，用来去重）
//     toItem: (raw, now) => ({ id: raw.id, ... }),
//     refreshOnShow: true,   // 可选：再次显示（比如从详情页回来）时刷新；第一次显示不算（onLoad 已经读过）
//   })
//   Component({ data: { items: [], nextCursor: null, loading: false, loaded: false, loadError: '' },
//               methods: Object.assign({}, list, { ...页面自己的方法 }) })
//
// 返回的方法：loadFirstPage、loadMore、showItems、setItems、retry；
// 生命周期 onLoad、onPullDownRefresh、onReachBottom（refreshOnShow 时还有 onShow），以及它们用的 start、refresh。
// 页面可以覆盖 setItems(items, extra)（比如顺带算出别的字段），覆盖时要把 extra 一起 setData。
// 生命周期里要多做事的页面覆盖这两个（都返回 Promise）：
// - start()：进页面时（已登录）做什么，默认就是 refresh()；
// - refresh()：下拉刷新、再次显示时做什么，默认 loadFirstPage()。
//
// 下拉刷新（loadFirstPage）会作废还在路上的请求：旧的“加载更多”回来时直接丢掉，
// 免得旧数据接到新列表后面。_failedMore 记着上次失败的是哪一步，retry 就重做哪一步。
const auth = require('./auth')

function pagedList({ fetch, toItem, refreshOnShow = false }) {
  const methods = {
    async loadFirstPage() {
      const generation = (this._generation = (this._generation || 0) + 1)
      this.setData({ loading: true })
      try {
        const res = await fetch.call(this, null)
        if (generation !== this._generation) return
        this.showItems((res && res.items) || [], (res && res.next_cursor) || null, false)
        this._failedMore = false
        this.setData({ loadError: '' })
      } catch (err) {
        if (generation !== this._generation) return
        this._failedMore = false
        this.setData({ loadError: err.message })
      } finally {
        if (generation === this._generation) this.setData({ loading: false, loaded: true })
      }
    },

    async loadMore() {
      const cursor = this.data.nextCursor
      if (!cursor || this.data.loading) return
      const generation = this._generation
      this.setData({ loading: true })
      try {
        const res = await fetch.call(this, cursor)
        if (generation !== this._generation) return
        this.showItems((res && res.items) || [], (res && res.next_cursor) || null, true)
        this.setData({ loadError: '' })
      } catch (err) {
        if (generation !== this._generation) return
        this._failedMore = true
        this.setData({ loadError: err.message })
      } finally {
        if (generation === this._generation) this.setData({ loading: false })
      }
    },

    // append 为 true 时接在已有的后面，去掉 id 重复的（翻页期间有新数据时后端可能给出重复的）
    showItems(list, nextCursor, append) {
      const now = Date.now()
      const fresh = list.map(raw => toItem(raw, now))
      let items = fresh
      if (append) {
        const seen = new Set(this.data.items.map(item => item.id))
        items = this.data.items.concat(fresh.filter(item => !seen.has(item.id)))
      }
      this.setItems(items, { nextCursor })
    },

    setItems(items, extra) {
      this.setData(Object.assign({ items }, extra || {}))
    },

    // “重新加载”：哪一步失败就重做哪一步
    retry() {
      return this._failedMore ? this.loadMore() : this.loadFirstPage()
    },

    // ---------- 生命周期 ----------

    onLoad() {
      if (!auth.requireLogin()) return Promise.resolve()
      return this.start()
    },

    start() {
      return this.refresh()
    },

    refresh() {
      return this.loadFirstPage()
    },

    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },

    onReachBottom() {
      return this.loadMore()
    },
  }
  if (refreshOnShow) {
    methods.onShow = function onShow() {
      if (!this._shownOnce) {
        this._shownOnce = true
        return Promise.resolve()
      }
      return this.refresh()
    }
  }
  return methods
}

// 把一个按 cursor 分页的小列表一次读完（给选择器用：职能部门、义工队），最多读到 max 条。
// fetchPage(cursor) 由页面写，里面直接 api.get('/字面量路径', { limit, cursor }, …)，契约测试才扫得到。
async function readAll(fetchPage, max = 1000) {
  const items = []
  let cursor = null
  do {
    const res = await fetchPage(cursor)
    items.push(...((res && res.items) || []))
    cursor = (res && res.next_cursor) || null
  } while (cursor && items.length < max)
  return items
}

module.exports = { pagedList, readAll }
