// The figures (matters, meeting attendance, poll turnout), matters and audit pages against the demo:
// the numbers on screen are the API's, the
// filters narrow on the server as the API does, and every page passes the accessibility scan
// (no serious or critical violation).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startWorld } from './harness.mjs'

let world
let one
before(async () => {
  world = await startWorld()
  // a few more to count: two sanitation matters, one of them classified
  one = await world.api('resident', 'POST', '/matters', { title: '楼道堆放杂物', category: 'sanitation' })
  await world.api('elder', 'POST', '/matters', { title: '垃圾桶满了', category: 'sanitation' })
  await world.api('council1', 'POST', `/matters/${one.id}/classify`, { matter_class: 'minor', reason: '居民自治' })
  // a building meeting held 40 days ago (moved back in the database: the API takes future starts)
  // that the resident's household came to
  const home = (await world.api('resident', 'GET', '/me')).household
  const held = await world.api('staff', 'POST', '/meetings', {
    community_id: 1, kind: 'building', title: '楼道议事会', place: '1幢架空层',
    starts_at: new Date(Date.now() + 86400000).toISOString(), scope_kind: 'buildings', scope_ids: [home.building_id],
  })
  await world.api('staff', 'POST', `/meetings/${held.id}/publish`)
  world.sql(`UPDATE meetings SET starts_at = datetime(starts_at, '-41 days') WHERE id = ${held.id}`)
  world.sql(`UPDATE meeting_invitations SET present = 1 WHERE meeting_id = ${held.id} AND household_id = ${home.id}`)
  // the demo's poll, voted in by the resident and closed now (its deadline moved back)
  const poll = (await world.api('staff', 'GET', '/communities/1/polls')).items.find(p => p.status === 'open')
  const detail = await world.api('resident', 'GET', `/polls/${poll.id}`)
  await world.api('resident', 'POST', `/polls/${poll.id}/ballots`, {
    answers: detail.questions.map(q => ({ question_id: q.id, choices: [0] })),
  })
  world.sql(`UPDATE polls SET opens_at = datetime('now', '-2 days'), closes_at = datetime('now', '-1 minutes') WHERE id = ${poll.id}`)
  await world.api('staff', 'POST', `/polls/${poll.id}/close`)
})
after(() => world?.stop())

const day = date => date.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }) // YYYY-MM-DD, as the browser

test('the figures page draws the period\'s matter-stats: each chart and its table carry the API\'s numbers', async () => {
  const page = await world.pageAs('staff')
  await page.goto(world.url('figures'))
  const chart = page.locator('[data-test="chart-class"] [role="img"]')
  await chart.locator('canvas').waitFor()
  const today = new Date()
  const from = day(new Date(today.getTime() - 364 * 86400000))
  const stats = await world.api('staff', 'GET', `/communities/1/matter-stats?from=${from}&to=${day(today)}`)
  assert.ok(stats.total >= 5)
  const label = await chart.getAttribute('aria-label')
  const expected = { 大事: stats.by_class.major, 小事: stats.by_class.minor, 私事: stats.by_class.private, 未分类: stats.by_class.unclassified }
  for (const [name, count] of Object.entries(expected)) {
    assert.match(label, new RegExp(`${name} ${count}(，|$)`), `${name} in “${label}”`)
    const row = page.locator('[data-test="chart-class"] tbody tr', { hasText: name })
    assert.equal((await row.locator('td').nth(1).innerText()).trim(), String(count))
  }
  const grids = page.locator('[data-test="chart-grid"] tbody tr')
  assert.equal(await grids.count(), Object.keys(stats.by_grid).length)
  assert.match(await page.locator('[data-test="summary"]').innerText(), new RegExp(`诉求总数\\s*${stats.total}`))
  const handlers = page.locator('[data-test="chart-handler"] tbody tr')
  assert.ok(stats.by_handler.length >= 1)
  assert.equal(await handlers.count(), stats.by_handler.length)
  for (const [i, h] of stats.by_handler.entries()) {
    const cells = (await handlers.nth(i).locator('td').allInnerTexts()).map(t => t.trim())
    assert.ok(cells[0].includes(h.name), `${h.name} in “${cells[0]}”`)
    assert.deepEqual(cells.slice(1), [h.count, h.resolved, h.overdue, h.median_days_to_resolution ?? '—',
      h.average_satisfaction ?? '—'].map(String), h.name)
  }
  const months = page.locator('[data-test="chart-month"] tbody tr')
  assert.equal(await months.count(), stats.by_month.length)
  await world.screenshot(page, 'figures')
  assert.deepEqual(await world.axe(page), [])
})

test('meeting attendance and poll turnout over the period are charted with the API\'s figures', async () => {
  const page = await world.pageAs('council1')
  await page.goto(world.url('figures'))
  await page.locator('[data-test="chart-turnout"] canvas').waitFor()
  const today = new Date()
  const period = `from=${day(new Date(today.getTime() - 364 * 86400000))}&to=${day(today)}`
  const meetings = (await world.api('council1', 'GET', `/communities/1/meeting-stats?${period}`)).items
  assert.ok(meetings.some(m => m.present >= 1), 'the meeting held 40 days ago, one household present')
  const months = [...new Set(meetings.map(m => m.month))]
  const attendance = page.locator('[data-test="chart-attendance"] tbody tr')
  assert.equal(await attendance.count(), months.length)
  for (const [i, month] of months.entries()) {
    const of = meetings.filter(m => m.month === month)
    const sum = prop => of.reduce((total, m) => total + m[prop], 0)
    const cells = (await attendance.nth(i).locator('td').allInnerTexts()).map(t => t.trim())
    assert.deepEqual(cells, [month, sum('invited'), sum('present'), sum('meetings'),
      Math.round((1000 * sum('present')) / sum('invited')) / 10].map(String))
  }
  const polls = (await world.api('council1', 'GET', `/communities/1/poll-stats?${period}`)).items
  assert.equal(polls.length, 1)
  const [closed] = polls
  assert.ok(closed.voted >= 1 && closed.turnout_percent > 0)
  const turnout = page.locator('[data-test="chart-turnout"] tbody tr')
  assert.equal(await turnout.count(), 1)
  const cells = (await turnout.first().locator('td').allInnerTexts()).map(t => t.trim())
  assert.deepEqual(cells.slice(1), [closed.turnout_percent, closed.voted, closed.voters, closed.electorate_label].map(String))
  assert.ok(cells[0].endsWith(closed.title))
  assert.match(await page.locator('[data-test="chart-turnout"] [role="img"]').getAttribute('aria-label'),
    new RegExp(`参与率 % ${closed.turnout_percent}`))
  await world.screenshot(page, 'figures-attendance-turnout')
  assert.deepEqual(await world.axe(page), [])
})

test('the matters page lists the community\'s matters, filters by class, and shows a timeline beside', async () => {
  const page = await world.pageAs('staff')
  await page.goto(world.url('matters'))
  const table = page.locator('[data-test="matters-table"]')
  await table.getByText('楼道堆放杂物').waitFor()
  const all = (await world.api('staff', 'GET', '/communities/1/matters?limit=50')).items
  assert.equal(await table.locator('tbody tr').count(), all.length)
  assert.deepEqual(await world.axe(page), [])

  await page.getByRole('combobox', { name: '按分类筛选' }).click({ force: true })
  await page.getByRole('option', { name: '小事' }).click()
  const minor = (await world.api('staff', 'GET', '/communities/1/matters?matter_class=minor')).items
  await table.locator('tbody tr').nth(minor.length - 1).waitFor()
  assert.equal(await table.locator('tbody tr').count(), minor.length)

  await table.getByText('楼道堆放杂物').click()
  const drawer = page.getByRole('dialog')
  await drawer.getByText('分类为“小事”').waitFor()
  assert.match(await drawer.innerText(), /居民自治/)
  await world.screenshot(page, 'matters')
  assert.deepEqual(await world.axe(page), [])
})

test('the matters table narrows by handler on the server and shows each handler, due date and rating', async () => {
  const page = await world.pageAs('staff')
  await page.goto(world.url('matters'))
  const table = page.locator('[data-test="matters-table"]')
  const all = (await world.api('staff', 'GET', '/communities/1/matters?limit=50')).items
  await table.locator('tbody tr').nth(all.length - 1).waitFor()
  await page.getByRole('combobox', { name: '按承办方筛选' }).click({ force: true })
  await page.getByRole('option', { name: '职能部门' }).click()
  const departments = (await world.api('staff', 'GET', '/communities/1/matters?handler_type=department&limit=50')).items
  assert.ok(departments.length >= 1 && departments.length < all.length, 'a filter that narrows')
  await table.locator('tbody tr').nth(departments.length).waitFor({ state: 'detached' })
  const rows = await table.locator('tbody tr').allInnerTexts()
  assert.deepEqual(rows.map(r => Number(r.split(/\s/)[0])), departments.map(m => m.id))
  const shed = departments.find(m => m.title === '楼顶违规搭建板房')
  const row = table.locator('tbody tr', { hasText: '楼顶违规搭建板房' })
  assert.match(await row.innerText(), new RegExp(`${shed.handler_label}：${shed.handler_name}`))
  assert.match(await row.innerText(), new RegExp(shed.due_date))
  assert.equal(shed.overdue, false)
  assert.equal(await row.getByText('已超期').count(), 0)

  await page.locator('[data-test="overdue-filter"]').click()
  const overdue = (await world.api('staff', 'GET', '/communities/1/matters?handler_type=department&overdue=true')).items
  assert.deepEqual(overdue, [], 'the demo department matter is not yet due')
  await page.getByText('暂无数据').waitFor()
  assert.deepEqual(await world.axe(page), [])
})

test('the audit page shows the log and the chain\'s check in plain words', async () => {
  const page = await world.pageAs('supervisor')
  await page.goto(world.url('audit'))
  const check = await world.api('supervisor', 'GET', '/audit/verify')
  assert.equal(check.ok, true)
  await page.locator('[data-test="verify"]').getByText(`链条完好：共 ${check.entries} 条记录`).waitFor()
  const first = (await world.api('supervisor', 'GET', '/communities/1/audit-entries?limit=50')).items
  await page.locator('[data-test="audit-table"] tbody tr').nth(first.length - 1).waitFor()
  assert.match(await page.locator('[data-test="audit-table"] tbody tr').first().innerText(), new RegExp(first[0].action))
  await world.screenshot(page, 'audit')
  assert.deepEqual(await world.axe(page), [])

  // 诉求 only: the server's answer to action=matter.
  await page.getByRole('combobox', { name: '按操作类别筛选' }).click({ force: true })
  await page.getByRole('option', { name: '诉求', exact: true }).click()
  const matters = (await world.api('supervisor', 'GET', '/communities/1/audit-entries?action=matter.&limit=50')).items
  assert.ok(matters.length >= 1 && matters.length < first.length)
  await page.locator('[data-test="audit-table"] tbody tr').nth(matters.length).waitFor({ state: 'detached' })
  const actions = await page.locator('[data-test="audit-table"] tbody tr td:nth-child(4)').allInnerTexts()
  assert.deepEqual(actions.map(a => a.trim()), matters.map(e => e.action))
  // …and of them, one matter's
  await page.getByRole('spinbutton', { name: '诉求编号' }).fill(String(one.id))
  await page.getByRole('spinbutton', { name: '诉求编号' }).press('Enter')
  const its = (await world.api('supervisor', 'GET', `/communities/1/audit-entries?action=matter.&target_type=matter&target_id=${one.id}`)).items
  assert.ok(its.length >= 1 && its.length < matters.length)
  await page.locator('[data-test="audit-table"] tbody tr').nth(its.length).waitFor({ state: 'detached' })
  const targets = await page.locator('[data-test="audit-table"] tbody tr td:nth-child(5)').allInnerTexts()
  assert.deepEqual(targets.map(t => t.trim()), its.map(() => `matter #${one.id}`))
  // a supervisor may not read role assignments: the actor is given by number
  await page.getByRole('spinbutton', { name: '操作人的用户编号' }).waitFor()
})

test('staff narrow the audit log to one person, picked by name', async () => {
  const page = await world.pageAs('staff')
  await page.goto(world.url('audit'))
  const me = await world.api('council1', 'GET', '/me')
  await page.getByRole('combobox', { name: '按操作人筛选' }).click({ force: true })
  await page.getByRole('option', { name: `${me.name}（#${me.id}）` }).click()
  const theirs = (await world.api('staff', 'GET', `/communities/1/audit-entries?actor_id=${me.id}&limit=50`)).items
  assert.ok(theirs.length >= 1, 'council1 classified a matter')
  await page.locator('[data-test="audit-table"] tbody tr').nth(theirs.length).waitFor({ state: 'detached' })
  const ids = await page.locator('[data-test="audit-table"] tbody tr td:first-child').allInnerTexts()
  assert.deepEqual(ids.map(Number), theirs.map(e => e.id))
  assert.deepEqual(await world.axe(page), [])
})
