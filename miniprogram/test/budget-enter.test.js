// 替住户录入参与式预算的投票（pages/budget/enter）：楼栋长选一户（components/household-picker），
// 勾这户赞成的项目（和本户投票同一套：放不下的勾不上），确认时念出这户的地址，
// POST 带 on_behalf_of_household_id 和幂等键；后端不收时写出它的说明。
const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const { HEAD, RESIDENT, login, round, projectBrief } = require('./money-fixtures')
const { household, pickHousehold } = require('./acting-fixtures')
const api = require('../utils/api')

const PAGE = 'pages/budget/enter'

// 预算 1000 元：600、500、300 元的三个项目
const PROJECTS = [
  projectBrief(11, { title: '院坝铺地砖', cost_fen: 60000, location: '3幢前' }),
  projectBrief(12, { title: '楼道声控灯', cost_fen: 50000 }),
  projectBrief(13, { title: '晾衣架', cost_fen: 30000 }),
]
const ELDERS = [household(1, { head_name: '李奶奶', elderly_alone: true }), household(2)]

let wx
beforeEach(() => {
  wx = installWx()
  wx.modalConfirm = true
})

// 还没投票的一户（GET /budget-rounds/{id}/electors 的一条）
function elector(id, householdId, fields = {}) {
  return Object.assign({
    id, household_id: householdId, building_name: '3幢', unit: '1单元', room: `${householdId}01`, head_name: null,
    elderly_alone: false, voted: false, voted_at: null, entered_for: false,
  }, fields)
}

// 选户要读的：还没投票的（这里没有），和选户组件列出的这栋楼的住户
function listElders(waiting = []) {
  wx.server.reply('GET', '/budget-rounds/3/electors', 200, { items: waiting, next_cursor: null })
  wx.server.reply('GET', '/buildings/3/households', 200, { items: ELDERS, next_cursor: null })
}

async function open(user = HEAD, r = round(3, { projects: PROJECTS })) {
  login(user)
  wx.server.reply('GET', '/budget-rounds/3', 200, r)
  const page = loadPage(PAGE)
  await page.instance.onLoad({ round_id: '3' })
  return page
}

// 打开、选李奶奶家、勾 600 和 300 元的两个项目
async function pickAndChoose() {
  listElders()
  const page = await open()
  await pickHousehold(page, 'household-picker', 1)
  await tap(page, '#vote-11')
  await tap(page, '#vote-13')
  return page
}

function ballotPosts() {
  return wx.server.calls('POST', '/budget-rounds/3/ballot')
}

// 录入要等 api.js 的网络重试（0.5 秒、1.5 秒）：用假的时钟走过去
async function submitThroughRetries(page) {
  const submitting = page.instance.onSubmit()
  await jest.advanceTimersByTimeAsync(5000)
  await submitting
}

afterEach(() => {
  jest.useRealTimers()
})

test('楼栋长：列出负责的楼栋的住户；选一户后勾项目，放不下的勾不上；确认时念出地址；带 on_behalf_of_household_id 和幂等键', async () => {
  listElders()
  const page = await open()
  expect(wx.server.calls('GET', '/buildings/3/households')[0].query).toEqual({ limit: '20' })
  await until(() => page.querySelector('#household-picker').querySelector('#picker-household-2'))
  expect(textOf(page.querySelector('#household-picker'), '#picker-household-1')).toBe('3幢 1单元 101室 · 李奶奶')
  expect(page.querySelector('#ballot-form')).toBeUndefined()

  await pickHousehold(page, 'household-picker', 1)
  expect(page.querySelector('#household-picker')).toBeUndefined()
  expect(textOf(page, '#entry-household')).toBe('3幢 1单元 101室（李奶奶）')
  await tap(page, '#vote-11')
  expect(textOf(page, '#vote-12-reason')).toBe('还剩 400.00 元，放不下这个项目（500.00 元）；要选它，先去掉别的')
  await tap(page, '#vote-12')
  expect(textOf(page, '#form-error')).toBe('还剩 400.00 元，放不下这个项目（500.00 元）；要选它，先去掉别的')
  await tap(page, '#vote-13')
  expect(textOf(page, '#running-total')).toBe('已选 900.00 元 / 预算 1000.00 元，还剩 100.00 元')

  wx.server.reply('POST', '/budget-rounds/3/ballot', 200, round(3, { projects: PROJECTS, voted: 36 }))
  listElders()
  await page.instance.onSubmit()

  expect(wx.showModal.mock.calls[0][0].content).toBe(
    '住户：3幢 1单元 101室（李奶奶）\n这户赞成：\n1. 院坝铺地砖（600.00 元）\n2. 晾衣架（300.00 元）\n已选 900.00 元 / 预算 1000.00 元，还剩 100.00 元',
  )
  expect(ballotPosts().map(r => r.data)).toEqual([{ project_ids: [11, 13], on_behalf_of_household_id: 1 }])
  expect(ballotPosts()[0].header['Idempotency-Key']).toEqual(expect.any(String))
  expect(textOf(page, '#done-notice')).toBe('✓ 已替 3幢 1单元 101室 录入')
  expect(textOf(page, '#round-head')).toContain('已投 36 / 120 户')
  // 回到选户，录下一户
  expect(page.querySelector('#ballot-form')).toBeUndefined()
  await until(() => page.querySelector('#household-picker') && page.querySelector('#household-picker').querySelector('#picker-household-1'))
  expect(wx.server.unexpected).toEqual([])
})

test('先列出我照看的住户里还没投票的：点一户就替它录入，“更多”接着读，录好了重新读', async () => {
  wx.server.reply('GET', '/budget-rounds/3/electors', 200, {
    items: [elector(5, 1, { head_name: '李奶奶', elderly_alone: true })], next_cursor: 5,
  })
  wx.server.reply('GET', '/buildings/3/households', 200, { items: ELDERS, next_cursor: null })
  const page = await open()
  await until(() => page.querySelector('#waiting-1'))
  expect(wx.server.calls('GET', '/budget-rounds/3/electors')[0].query).toEqual({ voted: 'false', limit: '50' })
  expect(textOf(page, '#waiting-1')).toBe('3幢 1单元 101室 · 李奶奶 · 独居老人')

  wx.server.reply('GET', '/budget-rounds/3/electors', 200, { items: [elector(9, 2)], next_cursor: null })
  await tap(page, '#waiting-more-btn')
  await until(() => page.querySelector('#waiting-2'))
  expect(wx.server.calls('GET', '/budget-rounds/3/electors')[1].query).toEqual({ voted: 'false', limit: '50', cursor: '5' })
  expect(textOf(page, '#waiting-2')).toBe('3幢 1单元 201室')
  expect(page.querySelector('#waiting-more-btn')).toBeUndefined()

  await tap(page, '#waiting-1')
  expect(textOf(page, '#entry-household')).toBe('3幢 1单元 101室（李奶奶）')
  expect(page.querySelector('#waiting')).toBeUndefined()
  await tap(page, '#vote-11')
  wx.server.reply('POST', '/budget-rounds/3/ballot', 200, round(3, { projects: PROJECTS, voted: 36 }))
  listElders([elector(9, 2)])
  await page.instance.onSubmit()
  expect(ballotPosts().map(r => r.data)).toEqual([{ project_ids: [11], on_behalf_of_household_id: 1 }])
  await until(() => wx.server.calls('GET', '/budget-rounds/3/electors').length === 3 && !page.querySelector('#waiting-1'))
  expect(textOf(page, '#waiting-2')).toBe('3幢 1单元 201室')
  expect(wx.server.unexpected).toEqual([])
})

test('一个都没勾：提示，不发；取消确认也不发', async () => {
  listElders()
  const page = await open()
  await pickHousehold(page, 'household-picker', 2)
  await page.instance.onSubmit()
  expect(textOf(page, '#form-error')).toBe('请至少勾选一个这户赞成的项目')
  await tap(page, '#vote-12')
  wx.modalConfirm = false
  await page.instance.onSubmit()
  expect(ballotPosts()).toHaveLength(0)
})

test('网络不好：自动重试、再点一次，都用同一个幂等键；下一户换新键', async () => {
  const page = await pickAndChoose()
  jest.useFakeTimers()
  for (let i = 0; i < 3; i++) wx.server.networkFail('POST', '/budget-rounds/3/ballot')
  await submitThroughRetries(page)
  expect(ballotPosts()).toHaveLength(3) // 1 次 + 自动重试 2 次
  expect(textOf(page, '#form-error')).toBe(api.NETWORK_ERROR_MESSAGE)
  // 这户和勾的都还在：再点一次
  expect(textOf(page, '#entry-household')).toBe('3幢 1单元 101室（李奶奶）')

  wx.server.reply('POST', '/budget-rounds/3/ballot', 200, round(3, { projects: PROJECTS, voted: 36 }))
  listElders()
  await submitThroughRetries(page)
  const keys = ballotPosts().map(r => r.header['Idempotency-Key'])
  expect(keys).toHaveLength(4)
  expect(new Set(keys).size).toBe(1)
  expect(ballotPosts().map(r => r.data.on_behalf_of_household_id)).toEqual([1, 1, 1, 1])
  expect(textOf(page, '#done-notice')).toBe('✓ 已替 3幢 1单元 101室 录入')
  jest.useRealTimers()

  await pickHousehold(page, 'household-picker', 2)
  await tap(page, '#vote-11')
  await tap(page, '#vote-13')
  wx.server.reply('POST', '/budget-rounds/3/ballot', 200, round(3, { projects: PROJECTS, voted: 37 }))
  listElders()
  await page.instance.onSubmit()
  const next = ballotPosts()[4]
  expect(next.data).toEqual({ project_ids: [11, 13], on_behalf_of_household_id: 2 })
  expect(next.header['Idempotency-Key']).not.toBe(keys[0])
})

test('这户已经自己投过票（409）：写出后端的说明，重新读取，这户和勾的留着', async () => {
  const page = await pickAndChoose()
  wx.server.reply('POST', '/budget-rounds/3/ballot', 409, { error: { code: 'household_voted', message: '这户已经自己投过票，不能代为修改' } })
  wx.server.reply('GET', '/budget-rounds/3', 200, round(3, { projects: PROJECTS, voted: 36 }))
  await page.instance.onSubmit()
  expect(textOf(page, '#form-error')).toBe('这户已经自己投过票，不能代为修改')
  expect(wx.server.calls('GET', '/budget-rounds/3')).toHaveLength(2)
  expect(textOf(page, '#round-head')).toContain('已投 36 / 120 户')
  expect(textOf(page, '#entry-household')).toBe('3幢 1单元 101室（李奶奶）')
  expect(page.data.ballot.items.filter(i => i.on).map(i => i.id)).toEqual([11, 13])
  expect(page.querySelector('#done-notice')).toBeUndefined()

  // 换一户
  listElders()
  await tap(page, '#change-household-btn')
  expect(page.querySelector('#ballot-form')).toBeUndefined()
  await until(() => page.querySelector('#household-picker') && page.querySelector('#household-picker').querySelector('#picker-household-2'))
})

test('不归我照看、不在投票范围（403）：写出后端的说明', async () => {
  const page = await pickAndChoose()
  wx.server.reply('POST', '/budget-rounds/3/ballot', 403, {
    error: { code: 'not_acting_for_household', message: '不能代这户录入预算投票：这户不在您负责的楼栋或网格内，也没有授权您代办' },
  })
  await page.instance.onSubmit()
  expect(textOf(page, '#form-error')).toBe('不能代这户录入预算投票：这户不在您负责的楼栋或网格内，也没有授权您代办')
  expect(textOf(page, '#entry-household')).toBe('3幢 1单元 101室（李奶奶）')
})

test('投票结束了（409）：重新读取，没有勾选框，说明留着', async () => {
  const page = await pickAndChoose()
  wx.server.reply('POST', '/budget-rounds/3/ballot', 409, { error: { code: 'invalid_transition', message: '本轮不在投票阶段' } })
  wx.server.reply('GET', '/budget-rounds/3', 200, round(3, { projects: PROJECTS, status: 'closed', status_label: '结果公示' }))
  await page.instance.onSubmit()
  expect(page.querySelector('#ballot-form')).toBeUndefined()
  expect(textOf(page, '#form-error')).toBe('本轮不在投票阶段')
  expect(textOf(page, '#notice')).toBe('这一轮现在不在投票中，不能录入。')
  expect(page.querySelector('#household-picker')).toBeUndefined()
})

test('不照看住户的人打开：只写说明，不列住户', async () => {
  const page = await open(RESIDENT)
  expect(textOf(page, '#notice')).toBe('只有负责住户的楼栋长、网格员、社区工作人员可以替住户录入。')
  expect(page.querySelector('#household-picker')).toBeUndefined()
  expect(wx.server.calls('GET', '/buildings/3/households')).toHaveLength(0)
})

test('编号不对：不请求后端', async () => {
  login(HEAD)
  const page = loadPage(PAGE)
  await page.instance.onLoad({ round_id: 'x' })
  expect(textOf(page, '#load-error')).toBe('预算编号不对')
  expect(wx.server.requests).toHaveLength(0)
})
