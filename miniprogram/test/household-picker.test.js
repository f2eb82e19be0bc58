// 代办选户的组件：楼栋长、网格员、社区工作人员先选楼栋，再点一户（GET /buildings/{id}/households）。
const { installWx, until } = require('./wx-mock')
const { loadPage, textOf, tap } = require('./page-helper')
const { household, signIn } = require('./acting-fixtures')

const BHEAD = { id: 5, name: '张大爷', roles: [{ role: 'building_head', scope_id: 3, scope_name: '海滨新村3幢' }], household: null }
const STAFF = { id: 2, name: '王海燕', roles: [{ role: 'staff', scope_id: 1, scope_name: '东海社区' }], household: null }
const RESIDENT = { id: 42, name: '宋永华', roles: [{ role: 'resident', scope_id: 2, scope_name: null }], household: { id: 2, community_id: 1 } }
const TREE = {
  id: 1, name: '东海社区',
  grids: [{ id: 1, name: '第一网格', courtyards: [{ id: 1, name: '海滨新村', buildings: [{ id: 3, name: '3幢' }, { id: 4, name: '4幢' }] }] }],
}

let wx
beforeEach(() => {
  wx = installWx()
})

describe('选户（household-picker）', () => {
  test('列出我负责的楼栋的住户，点一户就交给页面；“不代办了”退回', async () => {
    signIn(BHEAD)
    wx.server.reply('GET', '/buildings/3/households', 200, {
      items: [household(1, { head_name: '李奶奶', elderly_alone: true }), household(2)], next_cursor: 'c2',
    })
    wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(3)], next_cursor: null })
    const page = loadPage('components/household-picker/household-picker')
    const picked = []
    const cancelled = []
    page.instance.triggerEvent = (name, detail) => (name === 'pick' ? picked : cancelled).push(detail)
    await until(() => page.data.items.length === 2)

    expect(wx.server.calls('GET', '/buildings/3/households')[0].query).toEqual({ limit: '20' })
    expect(textOf(page, '#picker-household-1')).toBe('3幢 1单元 101室 · 李奶奶')
    await tap(page, '#picker-more-btn')
    await until(() => page.data.items.length === 3)

    await tap(page, '#picker-household-1')
    expect(picked).toEqual([{ id: 1, communityId: 1, address: '3幢 1单元 101室', headName: '李奶奶' }])
    await tap(page, '#picker-cancel-btn')
    expect(cancelled).toHaveLength(1)
    expect(wx.server.unexpected).toEqual([])
  })

  test('社区工作人员：从社区的树里选楼栋，换楼栋重读住户', async () => {
    signIn(STAFF)
    wx.server.reply('GET', '/communities/1', 200, TREE)
    wx.server.reply('GET', '/buildings/3/households', 200, { items: [household(1)], next_cursor: null })
    wx.server.reply('GET', '/buildings/4/households', 200, { items: [household(7, { building_id: 4, building_name: '4幢' })], next_cursor: null })
    const page = loadPage('components/household-picker/household-picker')
    await until(() => page.data.items.length === 1)
    expect(page.querySelectorAll('.picker-chip').map(n => n.dom.textContent.trim())).toEqual(['海滨新村3幢', '海滨新村4幢'])
    await tap(page, '#picker-building-4')
    await until(() => page.data.items.length === 1 && page.data.items[0].id === 7)
    expect(textOf(page, '#picker-household-7')).toBe('4幢 1单元 701室')
    expect(wx.server.unexpected).toEqual([])
  })

  test('没有负责的楼栋：说明，不读住户', async () => {
    signIn(RESIDENT)
    const page = loadPage('components/household-picker/household-picker')
    await until(() => page.data.noBuildings)
    expect(textOf(page, '#picker-no-buildings')).toContain('没有负责的楼栋')
    expect(wx.server.requests).toEqual([])
  })
})

