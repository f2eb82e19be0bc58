// 会议 at the desk: a building meeting staff called (over the API) is on the calendar and in the
// community's list, with one held long ago and a draft, narrowed by status and by day; its replies,
// invitations and a household signed in by hand; the sign-in sheet prints every invited
// household, and the notice and sign-in sheet come as the server's PDFs (a draft offers none);
// once it has started the minutes and a decision are recorded — and the backend holds them.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startWorld } from './harness.mjs'

let world
let page
let meeting
let startsAt
let home
before(async () => {
  world = await startWorld()
  home = (await world.api('resident', 'GET', '/me')).household
  startsAt = new Date(Date.now() + 15000) // soon: replies close at the start, minutes open then
  const draft = await world.api('staff', 'POST', '/meetings', {
    community_id: 1, kind: 'building', title: '1幢楼道改造商议会', place: '1幢架空层',
    starts_at: startsAt.toISOString(), scope_kind: 'buildings', scope_ids: [home.building_id],
    agenda: [{ text: '楼道扶手和声控灯方案' }],
  })
  meeting = await world.api('staff', 'POST', `/meetings/${draft.id}/publish`)
  await world.api('resident', 'POST', `/meetings/${meeting.id}/reply`, { reply: 'attend', people: 2 })
  await world.api('council1', 'POST', `/meetings/${meeting.id}/reply`, { reply: 'decline' })
  // a meeting held long ago (the API takes only future starts: moved back in the database)
  const old = await world.api('staff', 'POST', '/meetings', {
    community_id: 1, kind: 'building', title: '去年的楼道议事会', place: '1幢架空层',
    starts_at: new Date(Date.now() + 86400000).toISOString(), scope_kind: 'buildings', scope_ids: [home.building_id],
  })
  await world.api('staff', 'POST', `/meetings/${old.id}/publish`)
  world.sql(`UPDATE meetings SET starts_at = datetime(starts_at, '-200 days') WHERE id = ${old.id}`)
  page = await world.pageAs('staff')
  await page.goto(world.url('meetings'))
})
after(() => world?.stop())

test('the meeting is listed; its replies and invitations are shown, and a household is signed in by hand', async () => {
  await page.locator('[data-test="meetings-table"]').getByText('1幢楼道改造商议会').click()
  const detail = page.locator(`[data-test="meeting-detail-${meeting.id}"]`)
  const counts = detail.locator('[data-test="reply-counts"]')
  await counts.waitFor()
  assert.match(await counts.innerText(), /邀请 12 户：参加 1 户（共 2 人），待定 0 户，\s*不参加 1 户，未回复 10 户/)
  await world.screenshot(page, 'meetings-replies')
  assert.deepEqual(await world.axe(page), [])

  await detail.getByRole('tab', { name: '邀请与签到' }).click()
  const table = detail.locator('[data-test="invitations-table"]')
  const unanswered = (await world.api('staff', 'GET', `/meetings/${meeting.id}/replies`)).unanswered_households[0]
  const row = table.locator('tr', { hasText: `${unanswered.unit} ${unanswered.room}` }).first()
  await row.getByRole('button', { name: '手工签到' }).click()
  await row.getByText('已签到（手工）').waitFor()
  const stored = (await world.api('staff', 'GET', `/meetings/${meeting.id}/invitations?limit=100`)).items
  assert.equal(stored.find(i => i.household_id === unanswered.household_id).checked_in_by_hand, true)
})

test('staff see every meeting of the community, one long past too, and narrow them by status', async () => {
  const table = page.locator('[data-test="meetings-table"]')
  const listed = (await world.api('staff', 'GET', '/communities/1/meetings?limit=50')).items
  const old = listed.find(m => m.title === '去年的楼道议事会')
  assert.ok(new Date(old.starts_at) < new Date(Date.now() - 150 * 86400000), 'its start is long past')
  const row = table.locator('tbody tr', { hasText: '去年的楼道议事会' })
  await row.waitFor()
  assert.match(await row.innerText(), new RegExp(new Date(old.starts_at).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).replaceAll('-', '/')))
  assert.equal(await table.locator('tbody tr').count(), listed.length)

  await world.api('staff', 'POST', '/meetings', {
    community_id: 1, kind: 'building', title: '还没发布的草稿会', place: '1幢架空层',
    starts_at: new Date(Date.now() + 7 * 86400000).toISOString(), scope_kind: 'buildings', scope_ids: [home.building_id],
  })
  await page.getByRole('button', { name: '刷新' }).click()
  await table.getByText('还没发布的草稿会').waitFor()
  await page.getByRole('combobox', { name: '按状态筛选' }).click({ force: true })
  await page.getByRole('option', { name: '草稿' }).click()
  const drafts = (await world.api('staff', 'GET', '/communities/1/meetings?status=draft')).items
  await table.getByText('去年的楼道议事会').waitFor({ state: 'detached' })
  assert.deepEqual(await table.locator('tbody tr td:nth-child(2)').allInnerTexts(), drafts.map(m => m.title))
  assert.deepEqual(await world.axe(page), [])
  await page.getByRole('combobox', { name: '按状态筛选' }).click({ force: true })
  await page.getByRole('option', { name: '已发布' }).click()
  await table.getByText('1幢楼道改造商议会').waitFor()
})

test('staff narrow the meetings to the days they start on', async () => {
  const table = page.locator('[data-test="meetings-table"]')
  const old = (await world.api('staff', 'GET', '/communities/1/meetings?limit=50')).items.find(m => m.title === '去年的楼道议事会')
  const held = new Date(old.starts_at).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
  const those = (await world.api('staff', 'GET', `/communities/1/meetings?status=published&from=${held}&to=${held}`)).items
  assert.deepEqual(those.map(m => m.id), [old.id])
  await page.getByPlaceholder('开始日期').fill(held)
  await page.getByPlaceholder('结束日期').fill(held)
  await page.getByPlaceholder('结束日期').press('Enter')
  await table.getByText('1幢楼道改造商议会').waitFor({ state: 'detached' })
  assert.deepEqual(await table.locator('tbody tr td:nth-child(2)').allInnerTexts(), ['去年的楼道议事会'])
  // the date panel (Element Plus names it no dialog) closes before the page is scanned
  await page.keyboard.press('Escape')
  await page.waitForFunction(() => [...document.querySelectorAll('.el-picker__popper')]
    .every(panel => getComputedStyle(panel).display === 'none'))
  assert.deepEqual(await world.axe(page), [])
  await page.locator('.el-range-editor').hover()
  await page.locator('.el-range-editor .el-range__close-icon').click()
  await table.getByText('1幢楼道改造商议会').waitFor()
})

test('staff print the published meeting\'s notice and sign-in sheet as PDFs; a draft offers no printing', async () => {
  await page.reload() // every meeting listed again, whatever the filters left
  const table = page.locator('[data-test="meetings-table"]')
  await table.getByText('1幢楼道改造商议会').click()
  const detail = page.locator(`[data-test="meeting-detail-${meeting.id}"]`)
  const notice = await world.printed(page, detail.locator('[data-test="print-notice"]'), `/meetings/${meeting.id}/notice.pdf`)
  assert.equal(notice.type, 'application/pdf')
  assert.equal(notice.name, '会议通知-1幢楼道改造商议会.pdf')
  assert.equal(notice.bytes.subarray(0, 5).toString(), '%PDF-')
  assert.ok(notice.bytes.length > 3000, `a notice of ${notice.bytes.length} bytes`)
  const sheet = await world.printed(page, detail.locator('[data-test="print-sign-in-sheet"]'), `/meetings/${meeting.id}/sign-in-sheet.pdf`)
  assert.equal(sheet.name, '签到表-1幢楼道改造商议会.pdf')
  assert.equal(sheet.bytes.subarray(0, 5).toString(), '%PDF-')
  assert.equal(await detail.locator('[data-test="print-minutes"]').count(), 0, 'no minutes published yet')

  const draft = (await world.api('staff', 'GET', '/communities/1/meetings?status=draft')).items.find(m => m.title === '还没发布的草稿会')
  await table.getByText('还没发布的草稿会').click()
  const shown = page.locator(`[data-test="meeting-detail-${draft.id}"]`)
  await shown.waitFor()
  assert.equal(await shown.locator('[data-test^="print-"]').count(), 0, 'nothing to print before it is published')
  assert.deepEqual(await world.axe(page), [])
})

test('once it has started, the minutes and a decision are recorded', async () => {
  await new Promise(resolve => setTimeout(resolve, Math.max(0, startsAt - Date.now()) + 500))
  await page.reload()
  await page.locator('[data-test="meetings-table"]').getByText('1幢楼道改造商议会').click()
  const detail = page.locator(`[data-test="meeting-detail-${meeting.id}"]`)
  await detail.getByRole('tab', { name: '纪要与决定' }).click()
  await detail.getByRole('textbox', { name: '会议纪要' }).fill('到会 2 户，讨论了扶手和声控灯方案。')
  await detail.getByRole('button', { name: '添加一项决定' }).click()
  await detail.getByRole('textbox', { name: '决定 1' }).fill('先装扶手，声控灯交全楼表决')
  await detail.locator('[data-test="save-minutes"]').click()
  await page.getByText('纪要已保存').waitFor()
  const stored = await world.api('staff', 'GET', `/meetings/${meeting.id}`)
  assert.equal(stored.minutes, '到会 2 户，讨论了扶手和声控灯方案。')
  assert.deepEqual(stored.decisions.map(d => d.text), ['先装扶手，声控灯交全楼表决'])
  await page.mouse.move(0, 0) // no hover colour on the button just clicked
  await world.screenshot(page, 'meetings-minutes')
  assert.deepEqual(await world.axe(page), [])
})
