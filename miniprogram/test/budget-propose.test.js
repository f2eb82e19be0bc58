// 提议一个项目（pages/budget/propose）：写名称、说明、地点、大概多少钱；由诉求转来的先填好、带上诉求编号。
const { installWx } = require('./wx-mock')
const { loadPage, textOf, input, matterBrief } = require('./page-helper')
const { RESIDENT, login, round, project } = require('./money-fixtures')

const PAGE = 'pages/budget/propose'
const PROPOSING = { status: 'proposing', status_label: '征集提案', can: { propose: true, review: false, vote: false, manage: false, close: false } }

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(query, r = round(3, PROPOSING)) {
  login(RESIDENT)
  wx.server.reply('GET', '/budget-rounds/3', 200, r)
  const page = loadPage(PAGE)
  await page.instance.onLoad(query)
  return page
}

function posts() {
  return wx.server.calls('POST', '/budget-rounds/3/projects')
}

test('写好提交：发名称、说明、地点和估计的钱（分），带幂等键；成功后转到项目页', async () => {
  const page = await open({ round_id: '3' })
  expect(textOf(page, '#round-title')).toBe('2027 年院坝微更新')
  expect(textOf(page, '#round-head')).toContain('预算 1000.00 元')

  await page.instance.onSubmit()
  expect(textOf(page, '#form-error')).toBe('请写项目名称，至少 2 个字，比如“3幢楼道装声控灯”')
  await input(page, '#title-input', ' 3幢楼道装声控灯 ')
  await input(page, '#estimate-input', '两千')
  await page.instance.onSubmit()
  expect(textOf(page, '#form-error')).toBe('大概要花多少钱：请填元，比如 2000 或 2000.50；不知道可以不填')
  expect(posts()).toHaveLength(0)

  await input(page, '#estimate-input', '2000.5')
  await input(page, '#description-input', '晚上楼道太黑')
  await input(page, '#location-input', '3幢 1–6 楼')
  wx.server.reply('POST', '/budget-rounds/3/projects', 201, project(41, { status: 'proposed' }))
  await page.instance.onSubmit()
  expect(posts().map(r => r.data)).toEqual([{ title: '3幢楼道装声控灯', description: '晚上楼道太黑', location: '3幢 1–6 楼', estimate_fen: 200050 }])
  expect(posts()[0].header['Idempotency-Key']).toEqual(expect.any(String))
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/budget/project?id=41' })
})

test('答复在路上丢了、再点一次：同一个幂等键，后端只收一份', async () => {
  const page = await open({ round_id: '3' })
  await input(page, '#title-input', '3幢楼道装声控灯')
  wx.server.reply('POST', '/budget-rounds/3/projects', 503, { error: { code: 'unavailable', message: '服务暂时不可用，请稍后再试' } })
  await page.instance.onSubmit()
  expect(textOf(page, '#form-error')).toBe('服务暂时不可用，请稍后再试')
  wx.server.reply('POST', '/budget-rounds/3/projects', 201, project(41, { status: 'proposed' }))
  await page.instance.onSubmit()
  const keys = posts().map(r => r.header['Idempotency-Key'])
  expect(keys).toHaveLength(2)
  expect(keys[1]).toBe(keys[0])
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/budget/project?id=41' })
})

test('由诉求转来：先填上诉求的标题、说明、地点，提交时带 matter_id', async () => {
  wx.server.reply('GET', '/matters/31', 200, matterBrief(31, { title: '院坝下雨全是泥', description: '老人下雨天出不了门', place_text: '3幢前院坝' }))
  const page = await open({ round_id: '3', matter_id: '31' })
  expect(textOf(page, '#from-matter')).toContain('由诉求 #31 转来')
  expect(page.data.title).toBe('院坝下雨全是泥')
  expect(page.data.location).toBe('3幢前院坝')
  wx.server.reply('POST', '/budget-rounds/3/projects', 201, project(42))
  await page.instance.onSubmit()
  expect(posts().map(r => r.data)).toEqual([{ title: '院坝下雨全是泥', description: '老人下雨天出不了门', location: '3幢前院坝', matter_id: 31 }])
})

test('后端说不能提议（can.propose 是 false）：没有表单，写明为什么', async () => {
  const page = await open({ round_id: '3' }, round(3, { status: 'voting' }))
  expect(page.querySelector('#propose-form')).toBeUndefined()
  expect(textOf(page, '#cannot-propose')).toContain('现在不能在这一轮提议')
})

test('后端不收（409 征集已结束）：把后端的说明写在按钮上面，不跳走', async () => {
  const page = await open({ round_id: '3' })
  await input(page, '#title-input', '晾衣架')
  wx.server.reply('POST', '/budget-rounds/3/projects', 409, { error: { code: 'not_proposing', message: '这一轮已经不再征集提议' } })
  await page.instance.onSubmit()
  expect(textOf(page, '#form-error')).toBe('这一轮已经不再征集提议')
  expect(wx.redirectTo).not.toHaveBeenCalled()
  expect(wx.showToast).not.toHaveBeenCalled() // silent：说明只写在页面上
})
