// 按 cursor 分页的列表（消息、我的诉求、三事分流共用）：第一页、拉到底加载更多、出错后“重新加载”。
//
//   const list = pagedList({
//     // 读一页：cursor 为 null 时读第一页。页面在这里直接写 api.get('/字面量路径', …)，
//     // 契约测试（test/contract-scan.js）才能扫到路径。this 是页面。
//     fetch(cursor) { return api.get('/matters/mine', { cursor, limit: 20 }, { silent: true }) },
//     // 后端的一条 → 页面上的一条（要有 id，用来去重）
//     toItem: (raw, now) => ({ id: raw.id, ... }),
//   })
//   Component({ data: { items: [], nextCursor: null, loading: false, loaded: false, loadError: '' },
//               methods: Object.assign({}, list, { ...页面自己的方法 }) })
//
// 返回的方法：loadFirstPage、loadMore、showItems、setItems、retry。
// 页面可以覆盖 setItems(items, extra)（比如顺带算出别的字段），覆盖时要把 extra 一起 setData。
//
// 下拉刷新（loadFirstPage）会作废还在路上的请求：旧的“加载更多”回来时直接丢掉，
// 免得旧数据接到新列表后面。_failedMore 记着上次失败的是哪一步，retry 就重做哪一步。
function pagedList({ fetch, toItem }) {
  return {
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
  }
}

module.exports = { pagedList }
