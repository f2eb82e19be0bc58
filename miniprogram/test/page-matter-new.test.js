const { installWx, until, flush } = require('./wx-mock')
const { loadPage, textOf, tap, input } = require('./page-helper')
const api = require('../utils/api')

const PAGE = 'pages/matter-new/matter-new'
const DRAFT_KEY = 'yb_matter_draft'

const HOUSEHOLD = { id: 2, community_id: 1, community_name: '东海社区', building_id: 1, building_name: '1幢', unit: '1单元', room: '102', is_head: true }
const USER = { id: 42, name: '宋永华', phone: null, roles: [{ role: 'resident', scope_id: 2, scope_name: null }], household: HOUSEHOLD }
const CATEGORIES = {
  items: [
    { code: 'street_lamp', name: '路灯', default_class: 'minor', builtin: true },
    { code: 'drains', name: '下水道/排水', default_class: 'minor', builtin: true },
    { code: 'parking', name: '停车', default_class: null, builtin: false },
  ],
}
const TEMPLATES = [{ kind: 'matter_status', label: '诉求进度', template_id: 'T-matter', remaining: 0 }]

function created(id = 31, fields = {}) {
  return Object.assign({ id, title: '路灯坏了', status: 'submitted', status_label: '待分类', timeline: [] }, fields)
}

function photo(id) {
  return { id, url: `/media/p${id}.jpg`, thumbnail_url: `/media/p${id}-t.jpg`, width: 800, height: 600 }
}

let wx
beforeEach(() => {
  wx = installWx()
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: USER })
})

afterEach(() => {
  jest.useRealTimers()
})

// 打开页面：分类 + 提醒模板
async function open({ consents = [], categories = CATEGORIES } = {}) {
  wx.server.reply('GET', '/communities/1/matter-categories', 200, categories)
  wx.server.reply('GET', '/notifications/consents', 200, { items: consents })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  return page
}

async function fill(page, { title = '路灯坏了', category = 'street_lamp', description, place } = {}) {
  if (title !== undefined) await input(page, '#title-input', title)
  if (category) await tap(page, `#cat-${category}`)
  if (description !== undefined) await input(page, '#description-input', description)
  if (place !== undefined) await input(page, '#place-input', place)
}

function matterPosts() {
  return wx.server.calls('POST', '/matters')
}

// 点“提交”（要先 jest.useFakeTimers()）：把 api.js 网络失败后的自动重试等完
async function submitThroughRetries(page) {
  const submitting = page.instance.onSubmitTap()
  await jest.advanceTimersByTimeAsync(5000)
  await submitting
}

describe('类别', () => {
  test('读本户所在社区的类别（内置 + 社区自己的），点一个选中', async () => {
    const page = await open()

    expect(wx.server.calls('GET', '/communities/1/matter-categories')).toHaveLength(1)
    const names = page.querySelectorAll('.chip').map(n => n.dom.textContent.trim())
    expect(names).toEqual(['路灯', '下水道/排水', '停车'])
    expect(textOf(page)).toContain('东海社区')

    await tap(page, '#cat-parking')
    expect(page.data.category).toBe('parking')
    expect(page.querySelector('#cat-parking').dom.className).toContain('chip-on')
    expect(page.querySelector('#cat-street_lamp').dom.className).not.toContain('chip-on')
    expect(wx.server.unexpected).toEqual([])
  })

  test('本地没有住户信息：先读 /me 再读类别', async () => {
    api.setUser({ id: 42, roles: [], household: null })
    wx.server.reply('GET', '/me', 200, USER)
    const page = await open()

    expect(wx.server.requests.map(r => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['GET /me', 'GET /communities/1/matter-categories']),
    )
    expect(page.querySelectorAll('.chip')).toHaveLength(3)
    expect(api.getUser().household.community_id).toBe(1)
  })

  test('还没绑定住户：提示先绑定，不读类别', async () => {
    api.setUser({ id: 42, roles: [], household: null })
    wx.server.reply('GET', '/me', 200, Object.assign({}, USER, { household: null }))
    wx.server.reply('GET', '/notifications/consents', 200, { items: [] })
    const page = loadPage(PAGE)
    await page.instance.onLoad({})

    expect(page.querySelector('#need-household')).toBeDefined()
    expect(page.querySelector('#submit-btn')).toBeUndefined()
    expect(wx.server.calls('GET', '/communities/1/matter-categories')).toHaveLength(0)
    await tap(page, '#bind-btn')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/join/join' })
  })

  test('类别读取失败：显示错误和“重新加载类别”，再点能读出来', async () => {
    wx.server.reply('GET', '/communities/1/matter-categories', 503, { error: { code: 'database_unavailable', message: '服务暂时不可用', details: {} } })
    wx.server.reply('GET', '/notifications/consents', 200, { items: [] })
    const page = loadPage(PAGE)
    await page.instance.onLoad({})
    expect(textOf(page, '#categories-error')).toBe('服务暂时不可用')

    wx.server.reply('GET', '/communities/1/matter-categories', 200, CATEGORIES)
    await tap(page, '#reload-categories-btn')
    await until(() => page.querySelectorAll('.chip').length === 3)
    expect(page.querySelector('#categories-error')).toBeUndefined()
  })
})

describe('草稿', () => {
  test('每次输入都存草稿；重新打开页面时恢复，并提示“已恢复”', async () => {
    const page = await open()
    await input(page, '#title-input', '路灯')
    expect(wx.storage[DRAFT_KEY]).toMatchObject({ user_id: 42, title: '路灯' })
    await input(page, '#title-input', '路灯坏了')
    await tap(page, '#cat-drains')
    await input(page, '#description-input', '晚上黑漆漆的，老人不敢出门')
    await input(page, '#place-input', '1幢门口')
    expect(wx.storage[DRAFT_KEY]).toMatchObject({
      title: '路灯坏了', category: 'drains', description: '晚上黑漆漆的，老人不敢出门', place: '1幢门口',
    })
    expect(wx.setStorageSync.mock.calls.filter(c => c[0] === DRAFT_KEY)).toHaveLength(5)

    // 小程序被关掉后重新打开
    const again = await open()
    expect(again.data).toMatchObject({ title: '路灯坏了', category: 'drains', description: '晚上黑漆漆的，老人不敢出门', place: '1幢门口' })
    expect(again.querySelector('#restored-hint')).toBeDefined()
    expect(again.querySelector('#cat-drains').dom.className).toContain('chip-on')
  })

  test('别人的草稿（换了账号）不恢复，并且删掉', async () => {
    wx.storage[DRAFT_KEY] = { user_id: 99, title: '别人的事', description: '', category: 'drains', place: '' }
    const page = await open()
    expect(page.data.title).toBe('')
    expect(page.querySelector('#restored-hint')).toBeUndefined()
    expect(wx.storage[DRAFT_KEY]).toBeUndefined()
  })

  test('提交失败时草稿留着，提交成功后才清掉', async () => {
    wx.server.reply('POST', '/matters', 503, { error: { code: 'database_unavailable', message: '服务暂时不可用，请稍后再试', details: {} } })
    wx.server.reply('POST', '/matters', 201, created(31))
    const page = await open()
    await fill(page, { description: '灯不亮' })

    await page.instance.onSubmitTap()
    expect(textOf(page, '#submit-error')).toBe('服务暂时不可用，请稍后再试')
    expect(wx.storage[DRAFT_KEY]).toMatchObject({ title: '路灯坏了', description: '灯不亮' })
    expect(wx.redirectTo).not.toHaveBeenCalled()

    await page.instance.onSubmitTap()
    expect(wx.storage[DRAFT_KEY]).toBeUndefined()
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/matter/matter?id=31' })
  })

  test('“清空重填”确认后清掉草稿和页面内容', async () => {
    const page = await open()
    await fill(page, { description: '说明' })
    const again = await open()
    expect(again.querySelector('#reset-btn')).toBeDefined()

    await again.instance.onResetDraft()
    expect(again.data).toMatchObject({ title: '', description: '', category: '', restored: false })
    expect(wx.storage[DRAFT_KEY]).toBeUndefined()
  })
})

describe('提交', () => {
  test('发出的内容：去掉首尾空格，地点写在 place_text；成功后跳到详情页', async () => {
    wx.server.reply('POST', '/matters', 201, created(31))
    const page = await open()
    await fill(page, { title: '  路灯坏了 ', description: ' 一周了 ', place: ' 1幢门口 ' })

    await tap(page, '#submit-btn')
    await until(() => wx.redirectTo.mock.calls.length > 0)

    const posts = matterPosts()
    expect(posts).toHaveLength(1)
    expect(posts[0].data).toEqual({ title: '路灯坏了', description: '一周了', category: 'street_lamp', place_text: '1幢门口' })
    expect(posts[0].header['Idempotency-Key']).toEqual(expect.any(String))
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/matter/matter?id=31' })
    expect(wx.server.unexpected).toEqual([])
  })

  test('没写标题或没选类别：不发请求，给出提示', async () => {
    const page = await open()
    await input(page, '#title-input', '灯')
    await page.instance.onSubmitTap()
    expect(textOf(page, '#submit-error')).toContain('至少 2 个字')

    await input(page, '#title-input', '路灯坏了')
    await page.instance.onSubmitTap()
    expect(textOf(page, '#submit-error')).toBe('请选一个类别')
    expect(matterPosts()).toHaveLength(0)
  })

  test('网络不好：自动重试、再点一次、关掉重开再点，用的都是同一个幂等键；只登记一次', async () => {
    jest.useFakeTimers()
    for (let i = 0; i < 3; i++) wx.server.networkFail('POST', '/matters')
    for (let i = 0; i < 3; i++) wx.server.networkFail('POST', '/matters')
    wx.server.reply('POST', '/matters', 201, created(31))
    const page = await open()
    await fill(page)

    await submitThroughRetries(page)
    expect(textOf(page, '#submit-error')).toBe(api.NETWORK_ERROR_MESSAGE)
    expect(matterPosts()).toHaveLength(3) // 1 次 + 自动重试 2 次

    await submitThroughRetries(page)
    expect(matterPosts()).toHaveLength(6)

    // 老人把小程序关了，过一会儿重新打开：草稿和幂等键都还在
    const reopened = await open()
    expect(reopened.data.title).toBe('路灯坏了')
    await submitThroughRetries(reopened)

    const keys = matterPosts().map(r => r.header['Idempotency-Key'])
    expect(keys).toHaveLength(7)
    expect(new Set(keys).size).toBe(1)
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/matter/matter?id=31' })
    expect(wx.storage[DRAFT_KEY]).toBeUndefined()
  })

  test('失败后改了内容：换新的幂等键（同一个键不同内容后端会拒绝）；下一份草稿也是新键', async () => {
    wx.server.networkFail('POST', '/matters').networkFail('POST', '/matters').networkFail('POST', '/matters')
    jest.useFakeTimers()
    wx.server.reply('POST', '/matters', 201, created(31))
    const page = await open()
    await fill(page)
    await submitThroughRetries(page)

    await input(page, '#title-input', '路灯坏了两盏')
    await submitThroughRetries(page)

    const keys = matterPosts().map(r => r.header['Idempotency-Key'])
    expect(keys.slice(0, 3)).toEqual([keys[0], keys[0], keys[0]])
    expect(keys[3]).not.toBe(keys[0])
    expect(matterPosts()[3].data.title).toBe('路灯坏了两盏')

    wx.server.reply('POST', '/matters', 201, created(32))
    jest.useRealTimers()
    const next = await open()
    await fill(next)
    await next.instance.onSubmitTap()
    expect(matterPosts()[4].header['Idempotency-Key']).not.toBe(keys[3])
    expect(matterPosts()[4].header['Idempotency-Key']).not.toBe(keys[0])
  })

  test('用我的位置：纬度经度保留 6 位小数（字符串）一起提交；点“不用位置”就不带', async () => {
    wx.locationReply = { latitude: 30.7123456789, longitude: 122.45 }
    wx.server.reply('POST', '/matters', 201, created(31))
    const page = await open()
    await fill(page)

    await tap(page, '#location-btn')
    await until(() => page.querySelector('#location-set') !== undefined)
    expect(wx.getLocation).toHaveBeenCalledWith(expect.objectContaining({ type: 'gcj02' }))
    expect(wx.storage[DRAFT_KEY]).toMatchObject({ latitude: '30.712346', longitude: '122.450000' })

    await page.instance.onSubmitTap()
    expect(matterPosts()[0].data).toMatchObject({ latitude: '30.712346', longitude: '122.450000' })

    wx.server.reply('POST', '/matters', 201, created(32))
    const next = await open()
    await fill(next)
    await next.instance.onUseLocation()
    await tap(next, '#clear-location')
    expect(next.querySelector('#location-btn')).toBeDefined()
    await next.instance.onSubmitTap()
    expect(matterPosts()[1].data).not.toHaveProperty('latitude')
    expect(matterPosts()[1].data).not.toHaveProperty('longitude')
  })

  test('位置取不到（没授权）：提示写地点，不带坐标', async () => {
    wx.locationReply = { fail: 'getLocation:fail auth deny' }
    wx.server.reply('POST', '/matters', 201, created(31))
    const page = await open()
    await fill(page)
    await page.instance.onUseLocation()
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '没有取到位置，写清楚地点也可以' }))
    await page.instance.onSubmitTap()
    expect(matterPosts()[0].data).not.toHaveProperty('latitude')
  })
})

describe('微信提醒', () => {
  test('点“提交”时先同步弹出授权框（在任何请求之前），上报后再跳转', async () => {
    wx.server.reply('POST', '/matters', 201, created(31))
    wx.server.reply('POST', '/notifications/consents', 200, { items: [Object.assign({}, TEMPLATES[0], { remaining: 1 })] })
    const page = await open({ consents: TEMPLATES })
    await fill(page)
    const requestsBefore = wx.server.requests.length

    const done = page.instance.onSubmitTap()
    // 同步阶段：授权框已经弹出，提交请求也已发出，但授权框在前
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['T-matter'])
    expect(wx.requestSubscribeMessage.mock.invocationCallOrder[0]).toBeLessThan(wx.request.mock.invocationCallOrder[requestsBefore])
    await done

    expect(wx.server.calls('POST', '/notifications/consents')[0].data).toEqual({ results: { 'T-matter': 'accept' } })
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/matter/matter?id=31' })
  })

  test('提交失败后再点，不再重复弹授权框；没有配置模板时不弹', async () => {
    wx.server.reply('POST', '/matters', 422, { error: { code: 'validation_error', message: '没有这个分类', details: {} } })
    wx.server.reply('POST', '/matters', 201, created(31))
    wx.subscribeReplies.push({ 'T-matter': 'reject' })
    wx.server.reply('POST', '/notifications/consents', 200, { items: TEMPLATES })
    const page = await open({ consents: TEMPLATES })
    await fill(page)
    await page.instance.onSubmitTap()
    await page.instance.onSubmitTap()
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)

    const plain = await open({ consents: [] })
    await fill(plain)
    wx.server.reply('POST', '/matters', 201, created(33))
    await plain.instance.onSubmitTap()
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)
  })
})

describe('照片', () => {
  function choose(...paths) {
    wx.chooseMediaReplies.push({ tempFiles: paths.map(p => ({ tempFilePath: p })) })
  }

  test('选照片：每张单独上传并显示进度，传好后提交带上 photo_ids', async () => {
    const page = await open()
    await fill(page)
    choose('wxfile://a.jpg', 'wxfile://b.jpg')
    wx.uploadReplies.push({ hold: true }, { hold: true })

    const adding = page.instance.onAddPhoto()
    await until(() => wx.heldUploads.length === 2)
    expect(wx.chooseMedia).toHaveBeenCalledWith(expect.objectContaining({ count: 9, mediaType: ['image'] }))
    wx.heldUploads[0].progress(45)
    await flush()
    expect(textOf(page, '#photo-p1 .photo-progress')).toBe('45%')
    expect(textOf(page, '#photo-p2 .photo-progress')).toBe('0%')

    // 还在上传时点提交：不发请求
    await page.instance.onSubmitTap()
    expect(textOf(page, '#submit-error')).toBe('照片还在上传，请稍等一下再提交')
    expect(matterPosts()).toHaveLength(0)

    wx.heldUploads[0].finish(201, photo(7))
    wx.heldUploads[1].finish(201, photo(8))
    await adding
    expect(page.querySelector('.photo-progress')).toBeUndefined()
    expect(wx.uploads.map(u => u.filePath)).toEqual(['wxfile://a.jpg', 'wxfile://b.jpg'])
    expect(wx.uploads[0].header['Idempotency-Key']).not.toBe(wx.uploads[1].header['Idempotency-Key'])
    // 传好的照片进了草稿
    expect(wx.storage[DRAFT_KEY].photos.map(p => p.id)).toEqual([7, 8])

    wx.server.reply('POST', '/matters', 201, created(31))
    await page.instance.onSubmitTap()
    expect(matterPosts()[0].data.photo_ids).toEqual([7, 8])
  })

  test('一张没传上去：显示“重试”，提交被拦下；重试用同一个幂等键，成功后可以提交', async () => {
    jest.useFakeTimers()
    const page = await open()
    await fill(page)
    choose('wxfile://a.jpg')
    for (let i = 0; i < 3; i++) wx.uploadReplies.push({ fail: 'uploadFile:fail timeout' })

    const adding = page.instance.onAddPhoto()
    await jest.advanceTimersByTimeAsync(5000)
    await adding
    expect(page.querySelector('#retry-p1')).toBeDefined()
    expect(textOf(page, '#photo-p1')).toContain('没传上去')

    await page.instance.onSubmitTap()
    expect(textOf(page, '#submit-error')).toContain('有照片没传上去')
    expect(matterPosts()).toHaveLength(0)

    wx.uploadReplies.push({ progress: [100], statusCode: 201, data: photo(9) })
    await tap(page, '#retry-p1')
    await jest.advanceTimersByTimeAsync(100)
    expect(page.querySelector('#retry-p1')).toBeUndefined()
    expect(new Set(wx.uploads.map(u => u.header['Idempotency-Key'])).size).toBe(1)

    jest.useRealTimers()
    wx.server.reply('POST', '/matters', 201, created(31))
    await page.instance.onSubmitTap()
    expect(matterPosts()[0].data.photo_ids).toEqual([9])
  })

  test('删掉照片：上传中的会中止，不再提交它；没有照片时不带 photo_ids', async () => {
    const page = await open()
    await fill(page)
    choose('wxfile://a.jpg')
    wx.uploadReplies.push({ hold: true })
    const adding = page.instance.onAddPhoto()
    await until(() => wx.heldUploads.length === 1)

    await tap(page, '#remove-p1')
    expect(wx.heldUploads[0].task.abort).toHaveBeenCalled()
    wx.heldUploads[0].finish(201, photo(7))
    await adding
    expect(page.data.photos).toEqual([])
    expect(wx.showToast).not.toHaveBeenCalled()

    wx.server.reply('POST', '/matters', 201, created(31))
    await page.instance.onSubmitTap()
    expect(matterPosts()[0].data).not.toHaveProperty('photo_ids')
  })

  test('最多 9 张：已有 8 张时只让再选 1 张，满 9 张后不显示“加照片”', async () => {
    const page = await open()
    const eight = Array.from({ length: 8 }, (_, i) => `wxfile://${i}.jpg`)
    choose(...eight)
    eight.forEach((_, i) => wx.uploadReplies.push({ statusCode: 201, data: photo(i + 1) }))
    await page.instance.onAddPhoto()
    expect(page.data.photos).toHaveLength(8)

    choose('wxfile://x.jpg', 'wxfile://y.jpg')
    wx.uploadReplies.push({ statusCode: 201, data: photo(20) })
    await page.instance.onAddPhoto()
    expect(wx.chooseMedia.mock.calls[1][0].count).toBe(1)
    expect(page.data.photos).toHaveLength(9)
    expect(page.querySelector('#add-photo')).toBeUndefined()
  })

  test('草稿里传好的照片：重新打开后还在（用后端的缩略图），提交时带上', async () => {
    const page = await open()
    await fill(page)
    choose('wxfile://a.jpg')
    wx.uploadReplies.push({ statusCode: 201, data: photo(7) })
    await page.instance.onAddPhoto()

    const again = await open()
    expect(again.data.photos).toHaveLength(1)
    expect(again.data.photos[0]).toMatchObject({ id: 7, status: 'done', thumb: 'http://127.0.0.1:5000/media/p7-t.jpg' })
    // 签名过期、缩略图打不开：显示“照片已传好”，照片编号照样提交
    again.querySelector('#photo-p1 .photo-img').dispatchEvent('error', { detail: { errMsg: 'load fail' } })
    await flush()
    expect(textOf(again, '#photo-p1')).toContain('照片已传好')
    wx.server.reply('POST', '/matters', 201, created(31))
    await again.instance.onSubmitTap()
    expect(matterPosts()[0].data.photo_ids).toEqual([7])
  })
})
