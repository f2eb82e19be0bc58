// 本户的诉求可以转为预算提案（pages/matter/matter）：有正在征集提议的预算时，诉求页有“转为预算提案”。
const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap, matterBrief } = require('./page-helper')
const { RESIDENT, login, round } = require('./money-fixtures')

let wx
beforeEach(() => {
  wx = installWx()
})

function matter(fields) {
  return matterBrief(31, Object.assign({
    household_id: 9, submitter_name: '宋永华', submitter_phone: '', on_behalf: false, can: {}, resolved_at: null, handler: null,
    due_date: null, merged_into_id: null, satisfaction: null, evaluation_comment: null, timeline: [], description: '', place_text: '',
    latitude: null, longitude: null,
  }, fields))
}

async function open(m) {
  login(RESIDENT)
  wx.server.reply('GET', '/matters/31', 200, m)
  const page = loadPage('pages/matter/matter')
  await page.instance.onLoad({ id: '31' })
  return page
}

test('本户的诉求：列出正在征集提议的预算，点“转为预算提案”带上诉求编号去提议', async () => {
  wx.server.reply('GET', '/budget-rounds/mine', 200, { items: [
    round(3, { status: 'proposing', status_label: '征集提案' }),
    round(4, { title: '去年的', status: 'closed', status_label: '结果公示' }),
  ] })
  const page = await open(matter({ mine: true }))
  await until(() => page.data.budgetRounds.length === 1)
  expect(textOf(page, '#budget-round-3')).toContain('社区正在征集“2027 年院坝微更新”的提议')
  expect(page.querySelector('#budget-round-4')).toBeUndefined()
  await tap(page, '#propose-3')
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/budget/propose?round_id=3&matter_id=31' })
})

test('不是本户的、撤回了的诉求：不去读预算', async () => {
  await open(matter({ mine: false }))
  await open(matter({ mine: true, status: 'withdrawn', status_label: '已撤回' }))
  expect(wx.server.calls('GET', '/budget-rounds/mine')).toHaveLength(0)
})
