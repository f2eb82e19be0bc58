const { installWx, until, flush } = require('./wx-mock')
const { loadPage, textOf, tap, input } = require('./page-helper')
const api = require('../utils/api')

const PAGE = 'pages/poll-paper/poll-paper'

const HOUSEHOLD = { id: 9, community_id: 1, community_name: '东海社区', building_id: 3, building_name: '3幢', unit: '1单元', room: '102', is_head: true }
const HEAD = { id: 5, name: '张大爷', roles: [{ role: 'building_head', scope_id: 3, scope_name: '3幢' }, { role: 'building_head', scope_id: 4, scope_name: '4幢' }], household: HOUSEHOLD }
const RESIDENT = { id: 42, name: '宋永华', roles: [{ role: 'resident', scope_id: 9, scope_name: null }], household: HOUSEHOLD }

const HOUR = 60 * 60 * 1000
const inHours = h => new Date(Date.now() + h * HOUR).toISOString()

const QUESTIONS = [
  { id: 11, position: 1, text: '同意加装电梯', kind: 'yes_no', options: ['赞成', '反对', '弃权'], max_choices: 1 },
  { id: 12, position: 2, text: '电梯装在哪一侧', kind: 'single', options: ['东侧', '西侧'], max_choices: 1 },
]

function poll(fields = {}) {
  return Object.assign({
    id: 7, community_id: 1, title: '3幢加装电梯', description: '', electorate: 'households', electorate_label: '一户一票',
    scope_kind: 'buildings', scope_ids: [3, 4], rule: 'majority', rule_label: '过半数通过', quorum_percent: null,
    secret: false, allow_change: false, show_tally: false, opens_at: inHours(-24), closes_at: inHours(48),
    status: 'open', status_label: '投票中', matter_id: null, closed_at: null, objections_until: null, result_digest: null,
    cancel_reason: null, questions: QUESTIONS, voters: 40, voted: 12, in_electorate: true, can_vote: false, my_ballot: null,
    result: null, can_manage: false, can_supervise: false,
    household_voted: false, cannot_vote_reason: '本户由户主或户主指定的成员投票', can_close: false, can_object: false,
    can_enter_paper: true,
  }, fields)
}

// paper_pending：这户有一张纸质票（委托投票）在等监委会确认（不管是谁录的）
function elector(id, householdId, label, headName, paperPending = false) {
  return { id, household_id: householdId, user_id: null, label, head_name: headName, voted: false, voted_at: null, paper_pending: paperPending }
}

const ELECTORS = [elector(31, 101, '3幢1单元101', '李奶奶'), elector(32, 102, '3幢1单元201', null)]

function paper(id, fields = {}) {
  return Object.assign({
    id, household_id: 101, household: '3幢1单元101（李奶奶）', via: 'paper',
    photo: { id: 55, url: 'https://yb.example/media/55.jpg', thumbnail_url: 'https://yb.example/media/55-t.jpg', width: 800, height: 600 },
    proxy_name: null, authorization_text: null, entered_by: '张大爷', entered_at: new Date().toISOString(), status: 'pending',
    reviewed_by: null, reviewed_at: null, review_note: null, choices: null,
  }, fields)
}

function photo(id) {
  return { id, url: `https://yb.example/media/${id}.jpg`, thumbnail_url: `https://yb.example/media/${id}-t.jpg`, width: 800, height: 600 }
}

let wx
beforeEach(() => {
  wx = installWx()
})

async function open({ user = HEAD, p = poll(), electors = ELECTORS, entered = [] } = {}) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
  wx.server.reply('GET', '/polls/7', 200, p)
  wx.server.reply('GET', '/polls/7/electors', 200, { items: electors, next_cursor: null })
  wx.server.reply('GET', '/polls/7/paper-ballots', 200, { items: entered, next_cursor: null })
  const page = loadPage(PAGE)
  await page.instance.onLoad({ id: '7' })
  return page
}

function paperPosts() {
  return wx.server.calls('POST', '/polls/7/paper-ballots')
}

async function takePhoto(page, id = 55) {
  wx.chooseMediaReplies.push({ tempFiles: [{ tempFilePath: 'wxfile://paper.jpg' }] })
  wx.uploadReplies.push({ progress: [100], statusCode: 201, data: photo(id) })
  await page.instance.onTakePhoto()
  await until(() => page.data.photo && page.data.photo.status === 'done')
}

test('列出第一个负责楼栋里还没投票的住户；可以换楼栋；“我录入的”显示状态', async () => {
  const entered = [
    paper(1, { household_id: 103, household: '3幢2单元301', status: 'confirmed' }),
    paper(2, { household_id: 104, household: '3幢2单元302', via: 'proxy', status: 'rejected', review_note: '委托书没签字' }),
  ]
  const page = await open({ entered })

  expect(wx.server.calls('GET', '/polls/7/electors')[0].query).toEqual({ building_id: '3', voted: 'false', limit: '50' })
  expect(textOf(page, '#elector-31')).toContain('3幢1单元101（李奶奶）')
  expect(textOf(page, '#elector-32')).toContain('3幢1单元201')
  expect(textOf(page, '#entered-1')).toContain('已确认')
  expect(textOf(page, '#entered-2')).toContain('已退回')
  expect(textOf(page, '#entered-2')).toContain('退回原因：委托书没签字')
  expect(textOf(page, '#entered-2')).toContain('委托投票')

  wx.server.reply('GET', '/polls/7/electors', 200, { items: [elector(41, 201, '4幢1单元101', '周大爷')], next_cursor: null })
  await tap(page, '#building-4')
  await until(() => page.data.items.length === 1 && page.data.items[0].id === 41)
  expect(wx.server.calls('GET', '/polls/7/electors')[1].query.building_id).toBe('4')
  expect(textOf(page, '#elector-41')).toContain('周大爷')
  expect(wx.server.unexpected).toEqual([])
})

test('纸质票：答题、拍照、确认后发出的内容对，带幂等键；显示“已录入，等待监委会确认”', async () => {
  const page = await open()
  await tap(page, '#elector-31')
  expect(textOf(page, '#entry-household')).toBe('3幢1单元101（李奶奶）')
  await tap(page, '#q-11-opt-0')
  await tap(page, '#q-12-opt-1')

  // 没拍照：拦下
  await page.instance.onSubmitEntry()
  expect(textOf(page, '#form-error')).toBe('请拍下纸质票的照片')
  expect(paperPosts()).toHaveLength(0)

  await takePhoto(page, 55)
  expect(wx.uploads).toHaveLength(1)

  wx.server.reply('POST', '/polls/7/paper-ballots', 201, paper(3))
  wx.server.reply('GET', '/polls/7/paper-ballots', 200, { items: [paper(3)], next_cursor: null })
  wx.server.reply('GET', '/polls/7/electors', 200, { items: [elector(31, 101, '3幢1单元101', '李奶奶', true), ELECTORS[1]], next_cursor: null })
  await page.instance.onSubmitEntry()
  await until(() => wx.server.calls('GET', '/polls/7/electors').length === 2 && page.data.items[0].paperPending)

  expect(wx.showModal).toHaveBeenCalledTimes(1)
  expect(wx.showModal.mock.calls[0][0].content).toBe('请确认录入的内容：\n住户：3幢1单元101（李奶奶）\n方式：纸质票\n1. 同意加装电梯：赞成\n2. 电梯装在哪一侧：西侧')
  expect(paperPosts().map(r => r.data)).toEqual([{
    household_id: 101,
    answers: [{ question_id: 11, choices: [0] }, { question_id: 12, choices: [1] }],
    photo_id: 55,
    via: 'paper',
  }])
  expect(paperPosts()[0].header['Idempotency-Key']).toEqual(expect.any(String))
  expect(textOf(page, '#done-notice')).toBe('✓ 3幢1单元101（李奶奶）：已录入，等待监委会确认')
  expect(page.querySelector('#entry-form')).toBeUndefined()
  // 这户在后端还算“没投票”：重读名单，后端标着 paper_pending，标成已录入，不能再点
  expect(textOf(page, '#elector-31')).toContain('已录入，待确认')
  expect(textOf(page, '#elector-32')).not.toContain('已录入，待确认')
  await tap(page, '#elector-31')
  expect(page.querySelector('#entry-form')).toBeUndefined()
  expect(textOf(page, '#entered-3')).toContain('待监委会确认')
  expect(wx.server.unexpected).toEqual([])
})

test('委托投票：受托人姓名、委托书内容都要填，照片也要有；发出的内容带上它们', async () => {
  const page = await open()
  await tap(page, '#elector-32')
  await tap(page, '#via-proxy')
  await tap(page, '#q-11-opt-1')
  await tap(page, '#q-12-abstain')
  await takePhoto(page, 56)

  await page.instance.onSubmitEntry()
  expect(textOf(page, '#form-error')).toBe('委托投票请填受托人姓名')
  await input(page, '#proxy-name-input', '  王小明 ')
  await page.instance.onSubmitEntry()
  expect(textOf(page, '#form-error')).toBe('委托投票请填委托书内容：谁委托谁、怎么投、哪天签的字')
  expect(paperPosts()).toHaveLength(0)
  expect(wx.showModal).not.toHaveBeenCalled()

  await input(page, '#authorization-input', '201 户主委托儿子王小明投反对，3月1日签字')
  wx.server.reply('POST', '/polls/7/paper-ballots', 201, paper(4, { via: 'proxy', household_id: 102 }))
  wx.server.reply('GET', '/polls/7/paper-ballots', 200, { items: [], next_cursor: null })
  await page.instance.onSubmitEntry()

  expect(wx.showModal.mock.calls[0][0].content).toContain('方式：委托投票\n受托人：王小明')
  expect(paperPosts().map(r => r.data)).toEqual([{
    household_id: 102,
    answers: [{ question_id: 11, choices: [1] }, { question_id: 12, choices: [] }],
    photo_id: 56,
    via: 'proxy',
    proxy_name: '王小明',
    authorization_text: '201 户主委托儿子王小明投反对，3月1日签字',
  }])
  expect(textOf(page, '#done-notice')).toContain('已录入，等待监委会确认')
})

test('委托投票没拍委托书：拦下', async () => {
  const page = await open()
  await tap(page, '#elector-32')
  await tap(page, '#via-proxy')
  await tap(page, '#q-11-opt-0')
  await tap(page, '#q-12-opt-0')
  await input(page, '#proxy-name-input', '王小明')
  await input(page, '#authorization-input', '委托王小明投票')
  await page.instance.onSubmitEntry()
  expect(textOf(page, '#form-error')).toBe('请拍下委托书的照片')
  expect(paperPosts()).toHaveLength(0)
})

test('照片没传上去：拦下，重试用同一个幂等键', async () => {
  jest.useFakeTimers()
  try {
    const page = await open()
    await tap(page, '#elector-31')
    await tap(page, '#q-11-opt-0')
    await tap(page, '#q-12-opt-0')
    wx.chooseMediaReplies.push({ tempFiles: [{ tempFilePath: 'wxfile://paper.jpg' }] })
    for (let i = 0; i < 3; i++) wx.uploadReplies.push({ fail: 'uploadFile:fail timeout' })
    const taking = page.instance.onTakePhoto()
    await jest.advanceTimersByTimeAsync(5000)
    await taking
    await page.instance.onSubmitEntry()
    expect(textOf(page, '#form-error')).toBe('照片没传上去：请点“重试”，或者重新拍')

    wx.uploadReplies.push({ statusCode: 201, data: photo(57) })
    await tap(page, '#photo-retry')
    await jest.advanceTimersByTimeAsync(100)
    expect(page.data.photo.status).toBe('done')
    expect(new Set(wx.uploads.map(u => u.header['Idempotency-Key'])).size).toBe(1)
    expect(paperPosts()).toHaveLength(0)
  } finally {
    jest.useRealTimers()
  }
})

test('录入没收到结果再点：同一个幂等键；这户刚投过（409）：显示说明并重读名单', async () => {
  const page = await open()
  await tap(page, '#elector-31')
  await tap(page, '#q-11-opt-0')
  await tap(page, '#q-12-opt-0')
  await takePhoto(page, 58)
  wx.server.reply('POST', '/polls/7/paper-ballots', 503, { error: { code: 'service_unavailable', message: '服务暂时不可用', details: {} } })
  await page.instance.onSubmitEntry()
  expect(textOf(page, '#form-error')).toBe('服务暂时不可用')

  wx.server.reply('POST', '/polls/7/paper-ballots', 409, { error: { code: 'already_voted', message: '本户（本人）已经投过票', details: {} } })
  wx.server.reply('GET', '/polls/7/electors', 200, { items: [ELECTORS[1]], next_cursor: null })
  wx.server.reply('GET', '/polls/7/paper-ballots', 200, { items: [], next_cursor: null })
  await page.instance.onSubmitEntry()
  const keys = paperPosts().map(r => r.header['Idempotency-Key'])
  expect(keys[1]).toBe(keys[0])
  expect(textOf(page, '#form-error')).toBe('本户（本人）已经投过票')
  await until(() => page.data.items.length === 1)
  expect(page.querySelector('#elector-31')).toBeUndefined()
})

test('名单上 paper_pending 的住户（谁录的都算）：标成“已录入，待确认”，点了也不能录', async () => {
  // 别人录的（“我录入的”里没有它），后端照样标着
  const page = await open({ electors: [elector(31, 101, '3幢1单元101', '李奶奶', true), ELECTORS[1]], entered: [] })
  expect(textOf(page, '#elector-31')).toContain('已录入，待确认')
  expect(textOf(page, '#elector-32')).not.toContain('已录入，待确认')
  await tap(page, '#elector-31')
  expect(page.querySelector('#entry-form')).toBeUndefined()
  expect(page.data.selected).toBeNull()
  await tap(page, '#elector-32')
  expect(textOf(page, '#entry-household')).toBe('3幢1单元201')
})

test('“我录入的”：无记名投票的纸质票确认或退回后照片是 null，写明“已在确认后销毁”；还有照片的不写', async () => {
  const entered = [
    paper(1, { household_id: 103, household: '3幢2单元301', status: 'confirmed', photo: null }),
    paper(2, { household_id: 104, household: '3幢2单元302', status: 'rejected', review_note: '看不清', photo: null }),
    paper(3, { household_id: 105, household: '3幢2单元303', status: 'pending' }),
  ]
  const page = await open({ p: poll({ secret: true }), entered })
  expect(textOf(page, '#entered-1')).toContain('已确认')
  expect(textOf(page, '#entered-1-photo-gone')).toBe('无记名投票：纸质票照片已在确认后销毁')
  expect(textOf(page, '#entered-2-photo-gone')).toBe('无记名投票：纸质票照片已在确认后销毁')
  expect(textOf(page, '#entered-2')).toContain('退回原因：看不清')
  expect(page.querySelector('#entered-3-photo-gone')).toBeUndefined()
  expect(textOf(page, '#entered-3')).toContain('待监委会确认')
  expect(wx.server.unexpected).toEqual([])
})

test('名单只看后端的 paper_pending，不看“我录入的”：名单说不在等确认的住户能再点', async () => {
  // “我录入的”里这户还是待确认，名单（两次读取之间监委会刚退回）说已不在等确认：照名单，可以重录
  const page = await open({ entered: [paper(1, { household_id: 101 })] })
  expect(textOf(page, '#elector-31')).not.toContain('已录入，待确认')
  await tap(page, '#elector-31')
  expect(textOf(page, '#entry-household')).toBe('3幢1单元101（李奶奶）')
})

test('后端说不能录：说明谁能录，不读名单；表决已截止：不能录', async () => {
  const page = await open({ user: RESIDENT, p: poll({ can_enter_paper: false }) })
  expect(textOf(page, '#notice')).toBe('只有负责这些住户的楼栋长、网格员可以录入纸质票和委托投票。')
  expect(page.querySelector('#scan-btn')).toBeUndefined()
  expect(page.querySelector('#electors')).toBeUndefined()
  expect(page.querySelector('#entered')).toBeUndefined()
  await flush()
  expect(wx.server.calls('GET', '/polls/7/electors')).toHaveLength(0)
  expect(wx.server.calls('GET', '/polls/7/paper-ballots')).toHaveLength(0)

  const closed = await open({ p: poll({ status: 'closed', status_label: '已公示', can_enter_paper: false }) })
  expect(textOf(closed, '#notice')).toBe('这次表决不在投票中，不能录入。')
  expect(closed.querySelector('#electors')).toBeUndefined()
})

const GRID = { id: 6, name: '网格员', roles: [{ role: 'grid_worker', scope_id: 1, scope_name: '第一网格' }], household: HOUSEHOLD }

test('扫码录入：扫纸质票上的二维码，发 ballot_code 不发 household_id；网格员没有楼栋名单也能录', async () => {
  const page = await open({ user: GRID })
  expect(page.querySelector('#electors')).toBeUndefined()
  expect(page.querySelector('#notice')).toBeUndefined()
  wx.scanCodeReplies.push({ result: '7-205-KXPQRT', scanType: 'QR_CODE' })
  await page.instance.onScanBallot()
  expect(wx.scanCode).toHaveBeenCalledWith(expect.objectContaining({ onlyFromCamera: true }))
  expect(textOf(page, '#entry-household')).toBe('扫码的选票 7-205-KXPQRT')
  await tap(page, '#q-11-opt-1')
  await tap(page, '#q-12-opt-0')
  await takePhoto(page, 56)

  wx.server.reply('POST', '/polls/7/paper-ballots', 201, paper(4, { household_id: 205 }))
  wx.server.reply('GET', '/polls/7/paper-ballots', 200, { items: [paper(4, { household_id: 205 })], next_cursor: null })
  await page.instance.onSubmitEntry()
  await until(() => paperPosts().length === 1 && !page.data.busy)
  expect(paperPosts()[0].data).toEqual({
    ballot_code: '7-205-KXPQRT',
    answers: [{ question_id: 11, choices: [1] }, { question_id: 12, choices: [0] }],
    photo_id: 56,
    via: 'paper',
  })
  expect(textOf(page, '#done-notice')).toContain('已录入，等待监委会确认')
})

test('扫码：扫到名单上的住户显示他的名字；别的表决的选票、不是选票的码不录', async () => {
  const page = await open()
  wx.scanCodeReplies.push({ result: '8-101-KXPQRT' })
  await page.instance.onScanBallot()
  expect(textOf(page, '#scan-error')).toBe('这张选票属于另一次表决，不能录入本次表决')
  expect(page.querySelector('#entry-form')).toBeUndefined()

  wx.scanCodeReplies.push({ result: 'https://example.com/x' })
  await page.instance.onScanBallot()
  expect(textOf(page, '#scan-error')).toBe('这不是纸质票上的二维码，请扫选票右上角的二维码')

  wx.scanCodeReplies.push({ result: '7-101-kxpqrt' })
  await page.instance.onScanBallot()
  expect(textOf(page, '#entry-household')).toBe('3幢1单元101（李奶奶）')
  expect(page.data.selected.ballotCode).toBe('7-101-KXPQRT')
})
