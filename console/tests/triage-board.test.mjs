// A council sitting on the board: 20 demands residents filed over the API are classified by
// keyboard alone, one is reclassified, a duplicate merged, the members present vote on another,
// a minor one goes to its grid's worker (picked by name),
// a report's photo is on the board from the queue, and the 三事归类单 comes out as an .xlsx —
// and the backend holds every decision.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, test } from 'node:test'
import { startWorld } from './harness.mjs'

let world
let page
const filed = [] // {id, key, reason}
let duplicate
let pictured

// residents with a home in the demo (app/demo.py); each may file 10 a minute
const RESIDENTS = ['resident', 'elder', 'council4', 'council7']
const CATEGORIES = ['sanitation', 'illegal_construction', 'facility_repair', 'dogs', 'drains']
const CLASSES = { 1: 'major', 2: 'minor', 3: 'private' }

before(async () => {
  world = await startWorld()
  for (let i = 0; i < 20; i += 1) {
    const matter = await world.api(RESIDENTS[i % 4], 'POST', '/matters', {
      title: `第${i + 1}件 楼下${['垃圾堆放', '违建', '扶手松动', '犬只扰民', '下水道堵'][i % 5]}`,
      category: CATEGORIES[i % 5], description: '分流会测试用的诉求',
    })
    filed.push({ id: matter.id, key: String((i % 3) + 1), reason: `理由${i + 1}：按议事规则` })
  }
  // the same lamp as the demo's matter #1 (same building and category): a likely duplicate
  duplicate = await world.api('resident', 'POST', '/matters', { title: '门口路灯还是不亮', category: 'street_lamp' })
  page = await world.pageAs('council1')
  // a report with a photo (a PNG the browser draws), last in the queue
  const png = await page.evaluate(() => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 240, height: 160 })
    const context = canvas.getContext('2d')
    context.fillStyle = '#c0392b'
    context.fillRect(0, 0, 240, 160)
    return canvas.toDataURL('image/png').split(',')[1]
  })
  const photo = await world.upload('elder', '/photos', 'file', new Blob([Buffer.from(png, 'base64')], { type: 'image/png' }), '积水.png')
  pictured = await world.api('elder', 'POST', '/matters', {
    title: '楼下积水', category: 'drains', description: '下雨后楼下积水很深', photo_ids: [photo.id],
  })
  await page.goto(world.url('triage'))
  await page.locator(`[data-test="triage-item-${filed[0].id}"]`).waitFor()
})
after(() => world?.stop())

const current = () => page.locator('[data-test="triage-current"] h2').innerText()

test('the council classifies 20 demands by keyboard, and the backend shows them classified', async () => {
  assert.match(await current(), /^#1 /, 'oldest first: the demo lamp')
  await world.screenshot(page, 'triage-board')
  assert.deepEqual(await world.axe(page), [])
  await page.keyboard.press('j')
  for (const [n, matter] of filed.entries()) {
    assert.match(await current(), new RegExp(`^#${matter.id} `))
    await page.keyboard.press(matter.key)
    await page.locator('[data-test="classify-dialog"] textarea:focus').waitFor()
    await page.keyboard.type(matter.reason)
    await page.keyboard.press('Enter')
    await page.locator('[data-test="progress"]').getByText(`已分类 ${n + 1} 件`).waitFor()
  }
  assert.match(await current(), new RegExp(`^#${duplicate.id} `), 'moved on to the next one waiting')
  for (const matter of filed) {
    const stored = await world.api('staff', 'GET', `/matters/${matter.id}`)
    assert.equal(stored.matter_class, CLASSES[matter.key], `#${matter.id}`)
    assert.equal(stored.status, 'triaged')
    assert.equal(stored.timeline.at(-1).action, 'classify')
    assert.equal(stored.timeline.at(-1).note, matter.reason)
  }
})

test('a duplicate is merged into the matter it repeats with M and Enter', async () => {
  await page.keyboard.press('m')
  await page.locator('[data-test="merge-dialog"]').getByText('#1', { exact: true }).waitFor()
  await page.locator('[data-test="merge-dialog"] input:focus').waitFor()
  await page.keyboard.press('Enter')
  await page.locator('[data-test="merge-dialog"]').waitFor({ state: 'hidden' })
  const stored = await world.api('staff', 'GET', `/matters/${duplicate.id}`)
  assert.equal(stored.status, 'merged')
  assert.equal(stored.merged_into_id, 1)
})

test('a classified matter is reclassified with a reason, by keyboard', async () => {
  const last = filed.at(-1) // major? minor? whatever it was, 3 (私事) differs unless it was private
  const key = last.key === '3' ? '2' : '3'
  await page.locator(`[data-test="triage-item-${last.id}"]`).click()
  await page.keyboard.press(key)
  await page.locator('[data-test="classify-dialog"]').getByText('重新分类').first().waitFor()
  await page.locator('[data-test="classify-dialog"] textarea:focus').waitFor()
  await page.keyboard.type('现场查看后改分类')
  await page.keyboard.press('Enter')
  await page.locator('[data-test="classify-dialog"]').waitFor({ state: 'hidden' })
  const stored = await world.api('staff', 'GET', `/matters/${last.id}`)
  assert.equal(stored.matter_class, CLASSES[key])
  assert.equal(stored.timeline.at(-1).action, 'reclassify')
  assert.equal(stored.timeline.at(-1).note, '现场查看后改分类')
})

test('the members present vote on the class; the majority decides', async () => {
  await page.locator('[data-test="triage-item-1"]').click()
  await page.keyboard.press('v')
  const dialog = page.locator('[data-test="votes-dialog"]')
  const members = (await world.api('staff', 'GET', '/communities/1/council-members')).items.slice(0, 3)
  for (const [i, member] of members.entries()) {
    await dialog.getByRole('radiogroup', { name: member.name }).getByText(i === 0 ? '大事' : '小事').click()
  }
  await dialog.getByText('已投 3 票：大事 1，小事 2，私事 0').waitFor()
  await dialog.getByRole('textbox', { name: '表决说明' }).fill('到会三人表决')
  await dialog.getByRole('button', { name: '记录表决' }).click()
  await dialog.waitFor({ state: 'hidden' })
  const stored = await world.api('staff', 'GET', '/matters/1')
  assert.equal(stored.matter_class, 'minor')
  const vote = stored.timeline.at(-1)
  assert.equal(vote.data.by_vote, true)
  assert.deepEqual(vote.data.tally, { major: 1, minor: 2 })
})

test('a council member assigns a minor matter to its grid\'s worker, picked by name', async () => {
  const minor = filed.find(m => m.key === '2')
  const stored = await world.api('council1', 'GET', `/matters/${minor.id}`)
  const tree = await world.api('council1', 'GET', '/communities/1')
  const grid = tree.grids.find(g => g.courtyards.some(c => c.buildings.some(b => b.id === stored.building_id)))
  const worker = (await world.api('council1', 'GET', '/communities/1/grid-workers')).items.find(w => w.grid_id === grid.id)
  await page.locator(`[data-test="triage-item-${minor.id}"]`).click()
  await page.getByRole('button', { name: 'A 交办' }).click()
  const dialog = page.locator('[data-test="assign-dialog"]')
  await dialog.getByRole('radio', { name: '网格员' }).check({ force: true })
  await dialog.getByRole('combobox', { name: '网格员' }).click({ force: true })
  await page.getByRole('option', { name: `${worker.name}（#${worker.user_id}） · ${grid.name}` }).click()
  assert.deepEqual(await world.axe(page), [])
  await dialog.getByRole('button', { name: '交办' }).click()
  await dialog.waitFor({ state: 'hidden' })
  const assigned = await world.api('staff', 'GET', `/matters/${minor.id}`)
  assert.equal(assigned.status, 'assigned')
  assert.deepEqual([assigned.handler.type, assigned.handler.user_id], ['grid_worker', worker.user_id])
})

test('a report\'s photo is on the board from the queue: a thumbnail in the list, the photo beside', async () => {
  const queued = (await world.api('council1', 'GET', '/communities/1/triage-queue?limit=100')).items.find(m => m.id === pictured.id)
  assert.equal(queued.photos.length, 1)
  const path = url => new URL(url).pathname
  const thumb = page.locator(`[data-test="queue-photo-${pictured.id}"]`)
  assert.equal(path(await thumb.getAttribute('src')), path(queued.photos[0].thumbnail_url))
  await page.waitForFunction(id => document.querySelector(`[data-test="queue-photo-${id}"]`)?.naturalWidth > 0, pictured.id)
  assert.match(await page.locator(`[data-test="triage-item-${pictured.id}"]`).innerText(), /1 张照片/)

  await page.locator(`[data-test="triage-item-${pictured.id}"]`).click()
  const current = page.locator('[data-test="triage-current"]')
  await current.getByText('下雨后楼下积水很深').waitFor()
  const shown = current.getByRole('img', { name: '诉求照片 1' })
  assert.equal(path(await shown.getAttribute('src')), path(queued.photos[0].thumbnail_url))
  await world.screenshot(page, 'triage-board-photo')
  assert.deepEqual(await world.axe(page), [])
})

test('the 三事归类单 is exported at the end as an .xlsx', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('e')])
  assert.match(download.suggestedFilename(), /^三事归类单-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.xlsx$/)
  const file = await download.path()
  assert.equal(fs.readFileSync(file).subarray(0, 2).toString(), 'PK', 'a zip-packed workbook')
  await world.screenshot(page, 'triage-board-done')
})
