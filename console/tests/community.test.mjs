// 住户与花名册 at the desk: staff import a roster with bad rows and see each refused row by its
// spreadsheet row and reason (the good rows land), upload the fixed sheet again, issue join codes
// for two households and print them as slips, withdraw one — and the backend agrees throughout.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startWorld } from './harness.mjs'

let world
let page
before(async () => {
  world = await startWorld()
  page = await world.pageAs('staff')
  await page.goto(world.url('community'))
  await page.getByRole('heading', { name: '住户与花名册' }).waitFor()
})
after(() => world?.stop())

const HEADER = '网格,院落,楼栋,单元,房号,面积,户主姓名,电话,标记'
const GOOD = [
  '第一网格,测试新村,9幢,1单元,101,88.5,赵一,13800000001,独居老人',
  '第一网格,测试新村,9幢,1单元,102,76,钱二,,',
]
const sheet = rows => ({ name: '花名册.csv', mimeType: 'text/csv', buffer: Buffer.from(`${[HEADER, ...rows].join('\n')}\n`) })

async function upload(rows) {
  await page.locator('[data-test="roster-file"]').setInputFiles(sheet(rows))
}

async function testBuilding() {
  const tree = await world.api('staff', 'GET', '/communities/1')
  const courtyard = tree.grids.flatMap(g => g.courtyards).find(c => c.name === '测试新村')
  return courtyard?.buildings.find(b => b.name === '9幢')
}

test('a roster with bad rows: the refused rows are listed by spreadsheet row and reason, the good ones land', async () => {
  await page.getByRole('tab', { name: '花名册导入' }).click()
  await upload([
    GOOD[0],
    '第一网格,测试新村,9幢,1单元,,70,孙三,,', // row 3: no room
    '第一网格,测试新村,9幢,1单元,201,大约八十,李四,,', // row 4: area not a number
    GOOD[1],
    '第一网格,测试新村,9幢,1单元,202,66,周五,,孤独', // row 6: unknown flag
  ])
  const report = page.locator('[data-test="roster-report"]')
  await report.getByText('新增 2 户').waitFor()
  await report.getByText('3 行未导入').waitFor()
  const rows = await page.locator('[data-test="roster-errors"] tbody tr').evaluateAll(trs =>
    trs.map(tr => [...tr.querySelectorAll('td')].map(td => td.innerText.trim())))
  assert.deepEqual(rows.map(r => r[0]), ['3', '4', '6'])
  assert.match(rows[0][1], /缺少房号/)
  assert.match(rows[1][1], /面积“大约八十”不是数字/)
  assert.match(rows[2][1], /无法识别的标记“孤独”/)
  await world.screenshot(page, 'community-roster-errors')
  assert.deepEqual(await world.axe(page), [])

  const building = await testBuilding()
  const stored = (await world.api('staff', 'GET', `/buildings/${building.id}/households`)).items
  assert.deepEqual(stored.map(h => h.room).sort(), ['101', '102'])
  assert.equal(stored.find(h => h.room === '101').elderly_alone, true)
})

test('the fixed sheet uploaded again adds only the fixed rows', async () => {
  await upload([...GOOD, '第一网格,测试新村,9幢,1单元,103,70,孙三,,', '第一网格,测试新村,9幢,1单元,201,80,李四,,'])
  const report = page.locator('[data-test="roster-report"]')
  await report.getByText('新增 2 户，更新 0 户，无变化 2 户，全部导入').waitFor()
  assert.equal(await page.locator('[data-test="roster-errors"]').count(), 0)
})

test('join codes for two households are shown once and print as slips (PDF) with address, code and expiry; one is withdrawn', async () => {
  await page.getByRole('tab', { name: '住户' }).click()
  await page.locator('.el-tree').getByText('第一网格').click()
  await page.locator('.el-tree').getByText('测试新村').click()
  await page.locator('.el-tree').getByText('9幢').click()
  const table = page.locator('[data-test="households-table"]')
  await table.getByText('赵一').waitFor()
  assert.deepEqual(await world.axe(page), [])
  for (const name of ['赵一', '钱二']) {
    await table.locator('tr', { hasText: name }).locator('.el-checkbox').first().click()
  }
  await page.locator('[data-test="issue-codes"]').click()
  const slips = page.locator('[data-test="join-code-slips"]')
  await slips.waitFor()
  const building = await testBuilding()
  const households = (await world.api('staff', 'GET', `/buildings/${building.id}/households`)).items
  const first = households.find(h => h.head_name === '赵一')
  const slip = slips.locator(`[data-test="slip-${first.id}"]`)
  assert.match(await slip.innerText(), /9幢 1单元 101/)
  const code = (await slip.locator('.code strong').innerText()).trim()
  assert.match(code, /^\S{6,}$/)
  assert.match(await slip.innerText(), /前有效/)

  await world.screenshot(page, 'community-join-code-slips')
  // printed as the server's slips (PDF), from the codes just issued (only their hashes are kept)
  const printed = await world.printed(page, page.locator('[data-test="print-slips-pdf"]'), '/join-codes/slips.pdf')
  assert.equal(printed.type, 'application/pdf')
  assert.match(printed.name, /^入户码小条-9幢-\d{4}-\d{2}-\d{2}\.pdf$/)
  assert.equal(printed.bytes.subarray(0, 5).toString(), '%PDF-')
  assert.ok(printed.bytes.length > 3000, `slips of ${printed.bytes.length} bytes`)

  // the printed code works: the volunteer lead (no home yet) joins 101 with it, as its head
  const joined = await world.api('volunteer', 'POST', '/households/join', { code })
  assert.equal(joined.household.id, first.id)
  assert.equal(joined.is_head, true)

  await page.keyboard.press('Escape')
  await page.locator('[data-test="slips-dialog"]').waitFor({ state: 'hidden' })
  const outstanding = (await world.api('staff', 'GET', `/households/${households.find(h => h.head_name === '钱二').id}/join-codes`)).items
  assert.equal(outstanding.length, 1)
  await table.locator('tr', { hasText: '钱二' }).getByRole('button', { name: '未用的码' }).click()
  await page.getByRole('button', { name: '作废' }).click()
  await page.getByText('入户码已作废').waitFor()
  assert.deepEqual((await world.api('staff', 'GET', `/households/${outstanding[0].household_id}/join-codes`)).items, [])
  await page.keyboard.press('Escape')
})

test('roles: a building head is granted over 9幢 (found by address), shown with who granted it, and revoked', async () => {
  const volunteer = await world.api('volunteer', 'GET', '/me')
  const building = await testBuilding()
  await page.getByRole('tab', { name: '角色' }).click()
  const table = page.locator('[data-test="roles-table"]')
  await table.getByText('监委会').first().waitFor()
  // the volunteer lead lives in 9幢 101 since joining with the printed code: found by the address,
  // shown with the role held here (GET people: no phone)
  const found = (await world.api('staff', 'GET', `/communities/1/people?q=${encodeURIComponent('9幢 101')}`)).items
  assert.ok(found.some(p => p.user_id === volunteer.id && p.roles.some(r => r.role === 'volunteer_lead')))
  await page.getByRole('combobox', { name: '授予谁' }).click({ force: true })
  await page.keyboard.type('9幢 101')
  const option = page.getByRole('option', { name: new RegExp(`^${volunteer.name}（#${volunteer.id}）`) })
  assert.match(await option.innerText(), /测试新村 9幢 1单元 101 · 义工队长/)
  await option.click()
  await page.getByRole('combobox', { name: '角色范围' }).click()
  await page.getByRole('option', { name: /测试新村 · 9幢/ }).click()
  await page.getByRole('button', { name: '授予' }).click()
  const row = table.locator('tr', { hasText: `#${volunteer.id}` }).filter({ hasText: '楼栋长' })
  await row.waitFor()
  assert.match(await row.innerText(), /测试新村 · 9幢/)
  const staff = await world.api('staff', 'GET', '/me')
  const granted = (await world.api('staff', 'GET', '/communities/1/role-assignments?limit=100')).items
    .find(r => r.user_id === volunteer.id && r.role === 'building_head')
  assert.equal(granted.granted_by_name, staff.name)
  assert.match(await row.innerText(), new RegExp(`${volunteer.name}[\\s\\S]*${staff.name}`), 'the holder and who granted it')
  // the demo's grants were made at the command line
  assert.match(await table.locator('tr', { hasText: '监委会' }).first().innerText(), /平台运维/)
  const held = () => world.api('volunteer', 'GET', '/me').then(me => me.roles.filter(r => r.role === 'building_head').map(r => r.scope_id))
  assert.deepEqual(await held(), [building.id])
  // the scope picker's list has closed (axe would scan it mid-transition)
  await page.waitForFunction(() => [...document.querySelectorAll('.el-select__popper')].every(p => getComputedStyle(p).display === 'none'))
  await world.screenshot(page, 'community-roles')
  assert.deepEqual(await world.axe(page), [])

  await row.getByRole('button', { name: '撤销' }).click()
  await page.locator('.el-message-box').getByRole('button', { name: '撤销' }).click()
  await row.waitFor({ state: 'detached' })
  assert.deepEqual(await held(), [])
})
