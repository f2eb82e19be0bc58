// utils/paged-list.js：不用 miniprogram-simulate，拿一个只有 data / setData 的假页面来测。
const { pagedList } = require('../utils/paged-list')

// 每次 fetch 都挂着，由测试决定什么时候、怎样回来
function deferredFetch() {
  const calls = []
  function fetch(cursor) {
    return new Promise((resolve, reject) => calls.push({ cursor, page: this, resolve, reject }))
  }
  return { fetch, calls }
}

function fakePage(methods) {
  const page = Object.assign(
    {
      data: { items: [], nextCursor: null, loading: false, loaded: false, loadError: '' },
      setData(patch) {
        this.data = Object.assign({}, this.data, patch)
      },
    },
    methods,
  )
  return page
}

const toItem = (raw, now) => ({ id: raw.id, name: raw.name, now })
const rows = (...ids) => ids.map(id => ({ id, name: `第${id}条` }))
const ids = page => page.data.items.map(item => item.id)

function setup() {
  const server = deferredFetch()
  const page = fakePage(pagedList({ fetch: server.fetch, toItem }))
  return { server, page }
}

test('第一页：fetch(null)，this 是页面；转换每一条，记下 next_cursor', async () => {
  const { server, page } = setup()
  const loading = page.loadFirstPage()
  expect(page.data.loading).toBe(true)
  expect(server.calls[0].cursor).toBeNull()
  expect(server.calls[0].page).toBe(page)

  server.calls[0].resolve({ items: rows(9, 8), next_cursor: 'c-8' })
  await loading
  expect(ids(page)).toEqual([9, 8])
  expect(page.data.items[0]).toEqual({ id: 9, name: '第9条', now: expect.any(Number) })
  expect(page.data).toMatchObject({ nextCursor: 'c-8', loading: false, loaded: true, loadError: '' })
})

test('加载更多：带上 cursor，接在后面，去掉重复的 id；没有下一页或正在加载时不请求', async () => {
  const { server, page } = setup()
  let p = page.loadFirstPage()
  server.calls[0].resolve({ items: rows(9, 8), next_cursor: 'c-8' })
  await p

  p = page.loadMore()
  await page.loadMore() // 正在加载：不再发一次
  expect(server.calls).toHaveLength(2)
  expect(server.calls[1].cursor).toBe('c-8')
  server.calls[1].resolve({ items: rows(8, 5, 3), next_cursor: null })
  await p
  expect(ids(page)).toEqual([9, 8, 5, 3])
  expect(page.data.nextCursor).toBeNull()

  await page.loadMore() // 最后一页了
  expect(server.calls).toHaveLength(2)
})

test('刷新之后，还在路上的旧“加载更多”回来也不接到新列表后面，也不改加载状态', async () => {
  const { server, page } = setup()
  let p = page.loadFirstPage()
  server.calls[0].resolve({ items: rows(9, 8), next_cursor: 'c-8' })
  await p

  const stale = page.loadMore()
  const refresh = page.loadFirstPage()
  expect(server.calls.map(c => c.cursor)).toEqual([null, 'c-8', null])

  server.calls[2].resolve({ items: rows(10, 9), next_cursor: null })
  await refresh
  expect(ids(page)).toEqual([10, 9])
  expect(page.data.loading).toBe(false)

  server.calls[1].resolve({ items: rows(5, 3), next_cursor: 'c-3' })
  await stale
  expect(ids(page)).toEqual([10, 9])
  expect(page.data.nextCursor).toBeNull()
  expect(page.data.loading).toBe(false)
})

test('刷新之后，旧的第一页（包括失败的）回来也被丢掉', async () => {
  const { server, page } = setup()
  const first = page.loadFirstPage()
  const second = page.loadFirstPage()
  server.calls[1].resolve({ items: rows(2), next_cursor: null })
  await second
  server.calls[0].reject(new Error('网络不给力，请稍后再试'))
  await first
  expect(ids(page)).toEqual([2])
  expect(page.data.loadError).toBe('')
})

test('加载更多失败：显示错误、保留已有的；retry 带着同一个 cursor 再读那一页', async () => {
  const { server, page } = setup()
  let p = page.loadFirstPage()
  server.calls[0].resolve({ items: rows(9), next_cursor: 'c-9' })
  await p

  p = page.loadMore()
  server.calls[1].reject(new Error('服务暂时不可用'))
  await p
  expect(page.data).toMatchObject({ loadError: '服务暂时不可用', loading: false })
  expect(ids(page)).toEqual([9])

  p = page.retry()
  expect(server.calls[2].cursor).toBe('c-9')
  server.calls[2].resolve({ items: rows(8), next_cursor: null })
  await p
  expect(ids(page)).toEqual([9, 8])
  expect(page.data.loadError).toBe('')
})

test('第一页失败：retry 重读第一页；之后再失败的是哪一步就重做哪一步', async () => {
  const { server, page } = setup()
  let p = page.loadFirstPage()
  server.calls[0].reject(new Error('服务暂时不可用'))
  await p
  expect(page.data).toMatchObject({ loadError: '服务暂时不可用', loaded: true, loading: false })

  p = page.retry()
  expect(server.calls[1].cursor).toBeNull()
  server.calls[1].resolve({ items: rows(9), next_cursor: 'c-9' })
  await p
  expect(ids(page)).toEqual([9])

  p = page.loadMore()
  server.calls[2].reject(new Error('网络不给力'))
  await p
  p = page.loadFirstPage() // 下拉刷新也失败了：这回该重读第一页
  server.calls[3].reject(new Error('网络不给力'))
  await p
  p = page.retry()
  expect(server.calls[4].cursor).toBeNull()
  server.calls[4].resolve({ items: rows(9), next_cursor: null })
  await p
  expect(ids(page)).toEqual([9])
  expect(page.data).toMatchObject({ loadError: '', nextCursor: null })
})

test('页面可以覆盖 setItems（比如顺带算出别的字段），nextCursor 照样写进去', async () => {
  const server = deferredFetch()
  const list = pagedList({ fetch: server.fetch, toItem: raw => ({ id: raw.id, unread: !raw.read_at }) })
  const page = fakePage(Object.assign({}, list, {
    setItems(items, extra) {
      this.setData(Object.assign({ items, hasUnread: items.some(item => item.unread) }, extra || {}))
    },
  }))
  const p = page.loadFirstPage()
  server.calls[0].resolve({ items: [{ id: 1, read_at: 'x' }, { id: 2, read_at: null }], next_cursor: 'c-2' })
  await p
  expect(page.data).toMatchObject({ hasUnread: true, nextCursor: 'c-2' })
})

// ---------- 生命周期（onLoad、onShow、onPullDownRefresh、onReachBottom） ----------

describe('生命周期', () => {
  const { installWx } = require('./wx-mock')
  const api = require('../utils/api')
  let wx
  beforeEach(() => {
    wx = installWx()
    api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: { id: 42 } })
  })

  function lifecycleSetup(opts = {}, overrides = {}) {
    const server = deferredFetch()
    const page = fakePage(Object.assign({}, pagedList(Object.assign({ fetch: server.fetch, toItem }, opts)), overrides))
    return { server, page }
  }

  test('没登录：onLoad 转到登录页，不读列表', async () => {
    api.clearSession()
    const { server, page } = lifecycleSetup()
    await page.onLoad()
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' })
    expect(server.calls).toHaveLength(0)
  })

  test('onLoad 读第一页；下拉刷新重读第一页，读完才停下拉动画；拉到底加载更多', async () => {
    const { server, page } = lifecycleSetup()
    let p = page.onLoad()
    expect(server.calls.map(c => c.cursor)).toEqual([null])
    server.calls[0].resolve({ items: rows(9), next_cursor: 'c-9' })
    await p

    p = page.onPullDownRefresh()
    expect(server.calls.map(c => c.cursor)).toEqual([null, null])
    expect(wx.stopPullDownRefresh).not.toHaveBeenCalled()
    server.calls[1].resolve({ items: rows(10, 9), next_cursor: 'c-9' })
    await p
    expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)
    expect(ids(page)).toEqual([10, 9])

    p = page.onReachBottom()
    expect(server.calls[2].cursor).toBe('c-9')
    server.calls[2].resolve({ items: rows(8), next_cursor: null })
    await p
    expect(ids(page)).toEqual([10, 9, 8])
    expect(wx.reLaunch).not.toHaveBeenCalled()
  })

  test('没有 refreshOnShow 就没有 onShow；有时第一次显示不读（onLoad 读过了），以后每次都刷新', async () => {
    expect(lifecycleSetup().page.onShow).toBeUndefined()

    const { server, page } = lifecycleSetup({ refreshOnShow: true })
    let p = page.onLoad()
    server.calls[0].resolve({ items: rows(9), next_cursor: null })
    await p
    await page.onShow()
    expect(server.calls).toHaveLength(1)

    p = page.onShow()
    expect(server.calls.map(c => c.cursor)).toEqual([null, null])
    server.calls[1].resolve({ items: rows(10), next_cursor: null })
    await p
    expect(ids(page)).toEqual([10])
  })

  test('页面覆盖 start（进页面做什么）和 refresh（下拉刷新、再次显示做什么）', async () => {
    const calls = []
    const { page } = lifecycleSetup({ refreshOnShow: true }, {
      start() { calls.push('start'); return Promise.resolve() },
      refresh() { calls.push('refresh'); return Promise.resolve() },
    })
    await page.onLoad()
    await page.onShow()
    await page.onShow()
    await page.onPullDownRefresh()
    expect(calls).toEqual(['start', 'refresh', 'refresh'])
    expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1)
  })

  test('只覆盖 refresh 时，进页面也用它', async () => {
    const calls = []
    const { page } = lifecycleSetup({}, { refresh() { calls.push('refresh'); return Promise.resolve() } })
    await page.onLoad()
    expect(calls).toEqual(['refresh'])
  })
})

// ---------- readAll：给选择器用的小列表一次读完 ----------

describe('readAll', () => {
  const { readAll } = require('../utils/paged-list')

  test('顺着 next_cursor 读到最后一页，按顺序接起来', async () => {
    const pages = { null: { items: rows(1, 2), next_cursor: 'c2' }, c2: { items: rows(3), next_cursor: 'c3' }, c3: { items: rows(4), next_cursor: null } }
    const cursors = []
    const items = await readAll(cursor => {
      cursors.push(cursor)
      return Promise.resolve(pages[cursor])
    })
    expect(cursors).toEqual([null, 'c2', 'c3'])
    expect(items.map(i => i.id)).toEqual([1, 2, 3, 4])
  })

  test('空响应当作没有；读够 max 条就停', async () => {
    expect(await readAll(() => Promise.resolve(null))).toEqual([])
    const cursors = []
    const items = await readAll(cursor => {
      cursors.push(cursor)
      const n = cursors.length
      return Promise.resolve({ items: rows(n * 2 - 1, n * 2), next_cursor: `c${n}` })
    }, 3)
    expect(cursors).toEqual([null, 'c1'])
    expect(items).toHaveLength(4)
  })

  test('哪一页失败就整个 reject', async () => {
    const err = new Error('服务暂时不可用')
    await expect(readAll(cursor => (cursor ? Promise.reject(err) : Promise.resolve({ items: rows(1), next_cursor: 'c' })))).rejects.toBe(err)
  })
})
