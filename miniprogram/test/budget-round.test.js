// 参与式预算的一轮（pages/budget/round）：按阶段显示；投票时勾选的合计永远不超过预算，放不下的项目变灰并说明为什么；
// 结果写出每个项目为什么入选或没入选。
const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const { RESIDENT, HEAD, login, round, projectBrief } = require('./money-fixtures')

const PAGE = 'pages/budget/round'

// 预算 1000 元：600、500、300 元的三个项目，一个 1200 元的（超过整个预算），一个没通过审议的
const PROJECTS = [
  projectBrief(11, { title: '院坝铺地砖', cost_fen: 60000, location: '3幢前' }),
  projectBrief(12, { title: '楼道声控灯', cost_fen: 50000 }),
  projectBrief(13, { title: '晾衣架', cost_fen: 30000 }),
  projectBrief(14, { title: '加装电梯', cost_fen: 120000 }),
  projectBrief(15, { title: '给物业发奖金', cost_fen: null, estimate_fen: 20000, status: 'refused', status_label: '未通过审议' }),
]
const VOTER = { propose: false, review: false, vote: true, manage: false, close: false }

let wx
beforeEach(() => {
  wx = installWx()
})

async function open(r) {
  login(RESIDENT)
  wx.server.reply('GET', `/budget-rounds/${r.id}`, 200, r)
  const page = loadPage(PAGE)
  await page.instance.onLoad({ id: String(r.id) })
  return page
}

function item(page, id) {
  return page.data.ballot.items.find(i => i.id === id)
}

function ballotPosts() {
  return wx.server.calls('POST', '/budget-rounds/3/ballot')
}

test('投票：勾了就减掉，放不下的项目变灰、说明为什么、点了也勾不上；合计永远不超过预算', async () => {
  const page = await open(round(3, { projects: PROJECTS, can: VOTER }))
  expect(textOf(page, '#round-budget')).toBe('预算 1000.00 元')
  expect(textOf(page, '#running-total')).toBe('已选 0.00 元 / 预算 1000.00 元，还剩 1000.00 元')
  // 只列通过审议的
  expect(page.data.ballot.items.map(i => i.id)).toEqual([11, 12, 13, 14])
  expect(item(page, 14).disabled).toBe(true)
  expect(textOf(page, '#vote-14-reason')).toBe('这个项目 1200.00 元，超过了整个预算，选不了')

  await tap(page, '#vote-11')
  expect(textOf(page, '#running-total')).toBe('已选 600.00 元 / 预算 1000.00 元，还剩 400.00 元')
  expect(item(page, 12).disabled).toBe(true)
  expect(textOf(page, '#vote-12-reason')).toBe('还剩 400.00 元，放不下这个项目（500.00 元）；要选它，先去掉别的')
  expect(page.querySelector('#vote-12').dom.className).toContain('choice-disabled')
  expect(item(page, 13).disabled).toBe(false)

  await tap(page, '#vote-12')
  expect(item(page, 12).on).toBe(false)
  expect(textOf(page, '#form-error')).toBe('还剩 400.00 元，放不下这个项目（500.00 元）；要选它，先去掉别的')
  expect(textOf(page, '#running-total')).toBe('已选 600.00 元 / 预算 1000.00 元，还剩 400.00 元')

  await tap(page, '#vote-13')
  expect(textOf(page, '#running-total')).toBe('已选 900.00 元 / 预算 1000.00 元，还剩 100.00 元')
  expect(page.querySelector('#form-error')).toBeUndefined()

  // 去掉 600 的：500 的又能勾了
  await tap(page, '#vote-11')
  expect(item(page, 12).disabled).toBe(false)
  await tap(page, '#vote-12')
  expect(textOf(page, '#running-total')).toBe('已选 800.00 元 / 预算 1000.00 元，还剩 200.00 元')
})

test('怎么点都不会超过预算', async () => {
  const page = await open(round(3, { projects: PROJECTS, can: VOTER }))
  const order = [11, 12, 13, 14, 12, 11, 14, 13, 12, 11, 13, 14, 11, 12]
  for (const id of order) {
    await tap(page, `#vote-${id}`)
    const total = page.data.ballot.items.filter(i => i.on).reduce((sum, i) => sum + PROJECTS.find(p => p.id === i.id).cost_fen, 0)
    expect(total).toBeLessThanOrEqual(100000)
    expect(page.data.ballot.totalFen).toBe(total)
  }
})

test('投票：确认后发出选了的项目，带幂等键；用回来的一轮显示“本户已投票”，可以修改', async () => {
  const page = await open(round(3, { projects: PROJECTS, can: VOTER }))
  await page.instance.onSubmitBallot()
  expect(textOf(page, '#form-error')).toBe('请至少勾选一个您家赞成的项目')
  expect(ballotPosts()).toHaveLength(0)

  await tap(page, '#vote-13')
  await tap(page, '#vote-11')
  wx.server.reply('POST', '/budget-rounds/3/ballot', 200, round(3, {
    projects: PROJECTS, can: VOTER, voted: 36,
    my_ballot: { project_ids: [11, 13], cast_at: new Date().toISOString(), acting_label: null },
  }))
  await page.instance.onSubmitBallot()

  expect(wx.showModal.mock.calls[0][0].content).toBe('本户赞成：\n1. 院坝铺地砖（600.00 元）\n2. 晾衣架（300.00 元）\n已选 900.00 元 / 预算 1000.00 元，还剩 100.00 元')
  expect(ballotPosts().map(r => r.data)).toEqual([{ project_ids: [11, 13] }])
  expect(ballotPosts()[0].header['Idempotency-Key']).toEqual(expect.any(String))
  expect(page.querySelector('#ballot-form')).toBeUndefined()
  expect(textOf(page, '#my-ballot')).toContain('本户已投票')
  expect(textOf(page, '#my-ballot')).toContain('院坝铺地砖')
  expect(textOf(page, '#my-ballot')).toContain('晾衣架')
  expect(textOf(page, '#turnout')).toBe('已投 36 / 120 户')

  // 修改：原来的放回去
  await tap(page, '#change-btn')
  expect(page.data.ballot.items.filter(i => i.on).map(i => i.id)).toEqual([11, 13])
  expect(textOf(page, '#running-total')).toBe('已选 900.00 元 / 预算 1000.00 元，还剩 100.00 元')
})

test('后端不收（422 超过预算、409 投票结束）：写出后端的说明', async () => {
  const page = await open(round(3, { projects: PROJECTS, can: VOTER }))
  await tap(page, '#vote-13')
  wx.server.reply('POST', '/budget-rounds/3/ballot', 422, { error: { code: 'validation_error', message: '所选项目合计 1100.00 元，超过预算 1000.00 元' } })
  await page.instance.onSubmitBallot()
  expect(textOf(page, '#form-error')).toBe('所选项目合计 1100.00 元，超过预算 1000.00 元')

  wx.server.reply('POST', '/budget-rounds/3/ballot', 409, { error: { code: 'voting_closed', message: '投票已经结束' } })
  wx.server.reply('GET', '/budget-rounds/3', 200, round(3, { projects: PROJECTS, status: 'closed', status_label: '结果公示' }))
  wx.server.reply('GET', '/budget-rounds/3/board', 200, { ballots: [] })
  await page.instance.onSubmitBallot()
  await until(() => page.data.round.status === 'closed')
  expect(textOf(page, '#form-error')).toBe('投票已经结束')
  expect(page.querySelector('#ballot-form')).toBeUndefined()
})

test('投票中但后端说我不能投（不在范围、不是投票人）：没有勾选框', async () => {
  const page = await open(round(3, { projects: PROJECTS }))
  expect(page.querySelector('#ballot-form')).toBeUndefined()
  expect(textOf(page, '#phase')).toContain('投票中')
  expect(textOf(page, '#project-11')).toContain('预算 600.00 元')
})

test('征集：能提议的有“我来提议”；列出提议和状态（撤回的不列）', async () => {
  const page = await open(round(3, {
    status: 'proposing', status_label: '征集提案', proposals_until: '2030-03-01T20:00:00+08:00',
    can: { propose: true, review: false, vote: false, manage: false, close: false },
    projects: [
      projectBrief(21, { title: '楼道声控灯', cost_fen: null, estimate_fen: 40000, status: 'proposed', status_label: '待审议' }),
      projectBrief(22, { title: '撤回的', cost_fen: null, status: 'withdrawn', status_label: '已撤回' }),
    ],
  }))
  expect(textOf(page, '#phase')).toContain('正在征集提议')
  expect(textOf(page, '#round-head')).toContain('征集到：')
  expect(textOf(page, '#project-21')).toContain('待审议')
  expect(textOf(page, '#project-21')).toContain('提议人估计 400.00 元')
  expect(page.querySelector('#project-22')).toBeUndefined()
  await tap(page, '#propose-btn')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/budget/propose?round_id=3' })
  await tap(page, '#project-21')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/budget/project?id=21' })
})

// 结果公示：3 张选票，院坝铺地砖 3 户赞成、楼道声控灯 2 户；摘要是后端 ballots_digest 对 [[11], [11, 12], [11, 12]] 算的
const DIGEST = 'ca11257062801703540b83ec837eca233aae5a250072b328fd1e59bc2cff9ee5'

function closedRound(fields = {}) {
  return round(3, Object.assign({
    status: 'closed', status_label: '结果公示', voted: 3,
    projects: [
      projectBrief(12, { title: '楼道声控灯', cost_fen: 50000, status: 'unfunded', status_label: '未获资助', approvals: 2,
        funded_explanation: '2 户赞成，排第 2；入选的项目用去 600.00 元后只剩 400.00 元，放不下' }),
      projectBrief(11, { title: '院坝铺地砖', cost_fen: 60000, status: 'funded', status_label: '获资助，实施中', approvals: 3,
        funded_explanation: '3 户赞成，排第 1，预算够，入选' }),
    ],
    result: { ballots: 3, ballots_digest: DIGEST },
  }, fields))
}

test('结果：入选的在前，每个项目多少户赞成、为什么入选或没入选；按公示的选票重新计票与公布结果一致', async () => {
  wx.server.reply('GET', '/budget-rounds/3/board', 200, { ballots: [[11, 12], [11], [11, 12]] })
  const page = await open(closedRound())
  expect(textOf(page, '#phase')).toContain('结果已公示')
  expect(textOf(page, '#round-head')).toContain('规则：按票数依次资助。赞成的户数多的项目先入选')
  expect(page.data.projects.map(p => p.id)).toEqual([11, 12])
  expect(textOf(page, '#project-11')).toContain('3 户赞成')
  expect(textOf(page, '#project-11')).toContain('预算够，入选')
  expect(textOf(page, '#project-12')).toContain('未获资助')
  expect(textOf(page, '#project-12')).toContain('放不下')
  expect(textOf(page, '#turnout')).toBe('已投 3 / 120 户')
  expect(textOf(page, '#board')).toContain('共 3 张')
  expect(textOf(page, '#board-ok')).toBe('✓ 按公示的选票重新计票：与公布结果一致')
  expect(wx.server.unexpected).toEqual([])
})

test('公示的选票和公布的结果对不上：红字写出哪里不一样', async () => {
  wx.server.reply('GET', '/budget-rounds/3/board', 200, { ballots: [[11], [11, 12], [11]] })
  const page = await open(closedRound())
  expect(page.querySelector('#board-ok')).toBeUndefined()
  expect(textOf(page, '#board-bad')).toBe('按公示的选票重新计票：与公布结果不一致，请联系监委会')
  expect(textOf(page, '#board')).toContain('“楼道声控灯”公布 2 户赞成，按公示的选票数是 1 户')
  expect(textOf(page, '#board')).toContain('按公示的选票算出的选票摘要和公布的不一样')
})

test('投票还没结束：不去读公示的选票', async () => {
  await open(round(3, { projects: PROJECTS, can: VOTER }))
  expect(wx.server.calls('GET', '/budget-rounds/3/board')).toHaveLength(0)
})

test('投票中：照看住户的（楼栋长）有“替住户录入”，去录入页；不照看住户的、不在投票中的没有', async () => {
  login(HEAD)
  wx.server.reply('GET', '/budget-rounds/3', 200, round(3, { projects: PROJECTS, can: VOTER }))
  const head = loadPage(PAGE)
  await head.instance.onLoad({ id: '3' })
  await tap(head, '#enter-for-btn')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/budget/enter?round_id=3' })

  const resident = await open(round(3, { projects: PROJECTS, can: VOTER }))
  expect(resident.querySelector('#enter-for')).toBeUndefined()

  login(HEAD)
  wx.server.reply('GET', '/budget-rounds/3', 200, round(3, { projects: PROJECTS, status: 'proposing', status_label: '征集提案' }))
  const proposing = loadPage(PAGE)
  await proposing.instance.onLoad({ id: '3' })
  expect(proposing.querySelector('#enter-for')).toBeUndefined()
})
