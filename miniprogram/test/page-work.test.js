const { installWx } = require('./wx-mock')
const { loadPage, textOf, tap, matterBrief } = require('./page-helper')
const api = require('../utils/api')

const PAGE = 'pages/work/work'
const LIAISON = { id: 30, name: '城管联络员', roles: [{ role: 'department_liaison', scope_id: 1, scope_name: '城管' }], household: null }

// 后端 WorkItem：MatterBrief 再加地点、期限、是否超期、承办方、住户标记
function item(id, fields = {}) {
  return matterBrief(id, Object.assign({
    status: 'assigned', status_label: '已交办', matter_class: 'major', place_text: '', due_date: '2030-03-15', overdue: false,
    handler_label: '职能部门', household_flags: null,
  }, fields))
}

let wx
beforeEach(() => {
  wx = installWx()
})

async function open() {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: LIAISON })
  const page = loadPage(PAGE)
  await page.instance.onLoad({})
  return page
}

test('按后端顺序显示；超期的标红写“已超期”，期限、承办方、住户标记；点一条打开详情页', async () => {
  wx.server.reply('GET', '/matters/assigned', 200, {
    items: [
      item(7, { title: '违建', due_date: '2030-03-01', overdue: true, place_text: '1幢后院',
        household_flags: { elderly_alone: true, disabled: false, low_income: true } }),
      item(9, { title: '占道', due_date: null }),
    ],
    next_cursor: null,
  })
  const page = await open()
  expect(wx.server.calls('GET', '/matters/assigned')[0].query).toEqual({ limit: '20' })
  expect(page.querySelectorAll('.work-item').map(n => Number(n.dom.getAttribute('data-id')))).toEqual([7, 9])
  expect(page.querySelector('#work-7').dom.getAttribute('class')).toContain('work-overdue')
  expect(textOf(page, '#work-7 .overdue')).toBe('已超期')
  expect(textOf(page, '#work-7 .due')).toBe('期限 3月1日')
  expect(textOf(page, '#work-7')).toContain('1幢 · 1幢后院 · 路灯')
  expect(textOf(page, '#work-7 .work-status')).toBe('大事 · 已交办 · 职能部门')
  expect(page.querySelectorAll('#work-7 .flag').map(n => n.dom.textContent.trim())).toEqual(['独居老人', '低保'])
  expect(page.querySelector('#work-9').dom.getAttribute('class')).not.toContain('work-overdue')
  expect(page.querySelector('#work-9 .overdue')).toBeUndefined()
  expect(textOf(page, '#work-9 .due')).toBe('没有期限')
  await tap(page, '#work-9')
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/matter/matter?id=9' })
})

test('拉到底按字符串 cursor 翻页；下拉刷新重读第一页', async () => {
  wx.server
    .reply('GET', '/matters/assigned', 200, { items: [item(1), item(2)], next_cursor: '2030-03-15_2' })
    .reply('GET', '/matters/assigned', 200, { items: [item(3)], next_cursor: null })
    .reply('GET', '/matters/assigned', 200, { items: [item(3)], next_cursor: null })
  const page = await open()
  await page.instance.onReachBottom()
  expect(wx.server.calls('GET', '/matters/assigned')[1].query).toEqual({ cursor: '2030-03-15_2', limit: '20' })
  expect(page.data.items.map(i => i.id)).toEqual([1, 2, 3])
  await page.instance.onPullDownRefresh()
  expect(page.data.items.map(i => i.id)).toEqual([3])
  expect(wx.stopPullDownRefresh).toHaveBeenCalled()
})

test('没有待办：显示“没有待办的诉求”', async () => {
  wx.server.reply('GET', '/matters/assigned', 200, { items: [], next_cursor: null })
  const page = await open()
  expect(textOf(page, '#empty')).toBe('没有待办的诉求')
})
