// 表决 at the desk: staff draft and publish a poll in the wizard (each rule explained) and watch
// the turnout move, building by building, as residents vote over the API; a supervisor confirms
// a building head's paper ballot against its photo; after the close the result shows every
// threshold's figures and prints as a 公示 (the server's PDF too); paper ballots print as a PDF
// while the poll is open, and a refusal shows the server's reason.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startWorld } from './harness.mjs'

let world
before(async () => { world = await startWorld() })
after(() => world?.stop())

const TITLE = '小区东门是否加装道闸'
const vote = (name, poll, choice) => world.api(name, 'POST', `/polls/${poll.id}/ballots`,
  { answers: [{ question_id: poll.questions[0].id, choices: [choice] }] })

test('staff create and publish a poll in the wizard, and see turnout move as residents vote', async () => {
  const page = await world.pageAs('staff')
  await page.goto(world.url('polls'))
  await page.locator('[data-test="polls-table"]').getByText('1幢楼道加装扶手和声控灯').waitFor()
  await page.locator('[data-test="new-poll"]').click()
  const wizard = page.locator('[data-test="poll-wizard"]')
  const rules = wizard.locator('[data-test="rules"]')
  await rules.getByText('赞成票超过投票数的一半即通过').waitFor()
  assert.match(await rules.innerText(), /第二百七十八条：参与表决的业主，专有部分面积和人数都要占三分之二以上/,
    'art. 278 in plain words')
  assert.match(await rules.innerText(), /参与表决的专有部分面积占总面积 ≥ 2\/3/, 'the thresholds the count checks')
  await world.screenshot(page, 'polls-wizard-rules')
  assert.deepEqual(await world.axe(page), [])
  await wizard.locator('[data-test="wizard-next"]').click() // 范围: the whole community
  await wizard.getByText('范围：整个东海社区').waitFor()
  await wizard.locator('[data-test="wizard-next"]').click()
  await wizard.getByRole('textbox', { name: '标题' }).fill(TITLE)
  await wizard.getByRole('textbox', { name: '第 1 题题目' }).fill('是否同意在东门加装车辆道闸')
  await wizard.locator('[data-test="wizard-next"]').click()
  await wizard.locator('.el-form-item', { hasText: '无记名投票' }).locator('.el-switch').click()
  assert.equal(await wizard.getByRole('switch', { name: '无记名投票' }).isChecked(), true)
  await wizard.locator('[data-test="wizard-next"]').click()
  assert.match(await wizard.locator('[data-test="poll-review"]').innerText(), /无记名/)
  await wizard.locator('[data-test="save-publish"]').click()
  const confirm = page.locator('.el-message-box')
  await confirm.getByText('发布后参加表决的').waitFor()
  const draft = (await world.api('staff', 'GET', '/communities/1/polls')).items.find(p => p.title === TITLE)
  const electorate = await world.api('staff', 'GET', `/polls/${draft.id}/electorate`)
  assert.equal(electorate.frozen, false)
  assert.match(await confirm.innerText(), new RegExp(`发布后参加表决的：${electorate.households} 户。`))
  await confirm.getByRole('button', { name: '发布', exact: true }).click()

  const detail = page.locator('[data-test^="poll-detail-"]')
  await detail.locator('[data-test="poll-status"]').getByText('投票中').waitFor()
  const poll = (await world.api('staff', 'GET', '/communities/1/polls')).items.find(p => p.title === TITLE)
  assert.equal(poll.status, 'open')
  assert.equal(poll.secret, true)
  assert.equal(poll.voters, electorate.households, 'the electorate frozen is the one announced')
  const total = page.locator('[data-test="turnout-total"]')
  await total.getByText(`已投票 0 / ${poll.voters}`).waitFor()

  await vote('resident', poll, 0)
  await total.getByText(`已投票 1 / ${poll.voters}`).waitFor({ timeout: 25000 })
  await vote('council1', poll, 1)
  await vote('elder', poll, 2)
  await total.getByText(`已投票 3 / ${poll.voters}`).waitFor({ timeout: 25000 })

  // by building, named with its courtyard (every courtyard has a 1幢): the resident's building
  // shows those of the three voters who live in it
  const homes = await Promise.all(['resident', 'council1', 'elder'].map(name => world.api(name, 'GET', '/me')))
  const building = homes[0].household.building_id
  const here = homes.filter(me => me.household.building_id === building).length
  const { items } = await world.api('staff', 'GET', `/polls/${poll.id}/turnout`)
  const counted = items.find(item => item.building_id === building)
  assert.equal(counted.voted, here)
  assert.equal(items.reduce((sum, item) => sum + item.electors, 0), poll.voters)
  const row = page.locator('[data-test="turnout-table"] tr', { hasText: counted.building_name })
  await row.locator('td').nth(2).getByText(String(here), { exact: true }).waitFor()
  const cells = await row.locator('td').allInnerTexts()
  assert.equal(Number(cells[1]), 12, 'the building\'s 12 households are its electors')
  assert.doesNotMatch(await detail.innerText(), /赞成 \d|反对 \d/, 'no choices shown while open')
  await world.screenshot(page, 'polls-turnout')
  assert.deepEqual(await world.axe(page), [])
})

test('staff print paper ballots for a building while the poll is open; once it is not, the server\'s reason shows', async () => {
  const poll = (await world.api('staff', 'GET', '/communities/1/polls')).items.find(p => p.title === TITLE)
  const home = (await world.api('resident', 'GET', '/me')).household
  const tree = await world.api('staff', 'GET', '/communities/1')
  const courtyard = tree.grids.flatMap(g => g.courtyards).find(c => c.buildings.some(b => b.id === home.building_id))
  const building = `${courtyard.name} ${courtyard.buildings.find(b => b.id === home.building_id).name}`
  const page = await world.pageAs('staff')
  await page.goto(world.url('polls'))
  await page.locator('[data-test="polls-table"]').getByText(TITLE).click()
  await page.getByRole('combobox', { name: '打印哪栋楼的纸质选票' }).click({ force: true })
  await page.getByRole('option', { name: building, exact: true }).click()
  const printed = await world.printed(page, page.locator('[data-test="print-paper-ballots"]'), `/polls/${poll.id}/paper-ballots.pdf`)
  assert.equal(printed.type, 'application/pdf')
  assert.equal(printed.name, `纸质选票-${TITLE}-${building}.pdf`)
  assert.equal(printed.bytes.subarray(0, 5).toString(), '%PDF-')
  assert.ok(printed.bytes.length > 3000, `ballots of ${printed.bytes.length} bytes`)
  assert.deepEqual(await world.axe(page), [])

  // cancelled meanwhile at another desk: this page still offers the ballots, the server refuses (409)
  await world.api('staff', 'POST', `/polls/${poll.id}/cancel`, { reason: '方案需要重新讨论' })
  const saved = []
  page.on('download', download => saved.push(download))
  const [answer] = await Promise.all([
    page.waitForResponse(r => new URL(r.url()).pathname.endsWith(`/polls/${poll.id}/paper-ballots.pdf`)),
    page.locator('[data-test="print-paper-ballots"]').click(),
  ])
  assert.equal(answer.status(), 409)
  await page.locator('.el-message--error').getByText('表决未开始或已结束').waitFor()
  assert.deepEqual(saved, [], 'no file, no blank tab: the reason in words')
})

test('a supervisor confirms a building head\'s paper ballot against its photo', async () => {
  const demo = await world.api('staff', 'GET', '/polls/1')
  const notVoted = (await world.api('staff', 'GET', '/polls/1/electors?voted=false&limit=1')).items[0]
  // the photo of the paper: any real image will do (the server decodes it)
  const setup = await world.pageAs()
  await setup.setContent('<p style="font-size:40px">纸质选票：赞成；人体感应灯</p>')
  const png = await setup.screenshot()
  const form = new FormData()
  form.append('file', new Blob([png], { type: 'image/png' }), 'ballot.png')
  const response = await fetch(`${world.base}/api/v1/photos`, {
    method: 'POST', headers: { Authorization: `Bearer ${await world.login('bhead')}` }, body: form,
  })
  assert.equal(response.status, 201, await response.clone().text())
  const photo = await response.json()
  const paper = await world.api('bhead', 'POST', '/polls/1/paper-ballots', {
    household_id: notVoted.household_id, photo_id: photo.id,
    answers: [{ question_id: demo.questions[0].id, choices: [0] }, { question_id: demo.questions[1].id, choices: [1] }],
  })

  const page = await world.pageAs('supervisor')
  await page.goto(world.url('polls'))
  await page.locator('[data-test="polls-table"]').getByText(demo.title).click()
  await page.getByRole('tab', { name: '纸质票确认' }).click()
  const entry = page.locator(`[data-test="paper-${paper.id}"]`)
  await entry.waitFor()
  // the photo beside the entry, loaded (waitFor sees the element before its image arrives)
  await page.waitForFunction(id => document.querySelector(`[data-test="paper-${id}"] img`)?.naturalWidth > 0, paper.id)
  const text = await entry.innerText()
  assert.match(text, new RegExp(notVoted.label))
  assert.match(text, /是否同意使用维修基金加装楼道扶手\s*赞成/)
  assert.match(text, /声控灯选哪种\s*人体感应灯/)
  await world.screenshot(page, 'polls-paper-queue')
  assert.deepEqual(await world.axe(page), [])

  await entry.locator('[data-test="confirm-paper"]').click()
  await entry.waitFor({ state: 'detached' })
  const stored = (await world.api('supervisor', 'GET', '/polls/1/paper-ballots?status=confirmed')).items
  assert.deepEqual(stored.map(p => p.id), [paper.id])
  const elector = (await world.api('staff', 'GET', '/polls/1/electors?voted=true&limit=100')).items
    .find(e => e.household_id === notVoted.household_id)
  assert.ok(elector, 'the household counts as voted')
})

test('after the close the result shows each threshold\'s figures and prints as a 公示', async () => {
  const closesAt = new Date(Date.now() + 4000)
  const draft = await world.api('staff', 'POST', '/polls', {
    community_id: 1, title: '东门道闸收费标准', electorate: 'households', rule: 'two_thirds', quorum_percent: 1,
    closes_at: closesAt.toISOString(), questions: [{ text: '是否同意每月收费 10 元', kind: 'yes_no' }],
  })
  const poll = await world.api('staff', 'POST', `/polls/${draft.id}/publish`)
  await vote('resident', poll, 0)
  await vote('council1', poll, 0)
  await vote('elder', poll, 1)
  await new Promise(resolve => setTimeout(resolve, Math.max(0, closesAt - Date.now()) + 500))
  // the scheduled close may have counted it already; otherwise staff close it by hand
  let closed = await world.api('staff', 'GET', `/polls/${poll.id}`)
  if (closed.status === 'open') closed = await world.api('staff', 'POST', `/polls/${poll.id}/close`)
  assert.equal(closed.status, 'closed')

  const page = await world.pageAs('staff')
  await page.goto(world.url('polls'))
  await page.locator('[data-test="polls-table"]').getByText('东门道闸收费标准').click()
  const result = page.locator('[data-test="poll-result"]').first()
  await result.waitFor()
  const rows = await result.locator('.thresholds tbody tr').evaluateAll(trs =>
    trs.map(tr => [...tr.querySelectorAll('td')].map(td => td.innerText.trim())))
  assert.deepEqual(rows, [
    ['参与率', `3 / ${closed.voters} 户/人`, '≥ 1/100', '✗ 未达到'],
    ['赞成票占投票数', '2 / 3 户/人', '≥ 2/3', '✓ 达到'],
  ])
  assert.match(await result.locator('h4').innerText(), /未通过/, 'two thirds approved, but too few took part')
  assert.deepEqual(await world.axe(page), [])

  // the server's 公示 as a PDF, for the notice board
  const printed = await world.printed(page, page.locator('[data-test="print-result"]'), `/polls/${poll.id}/result.pdf`)
  assert.equal(printed.type, 'application/pdf')
  assert.equal(printed.name, '表决结果公示-东门道闸收费标准.pdf')
  assert.equal(printed.bytes.subarray(0, 5).toString(), '%PDF-')
  assert.ok(printed.bytes.length > 3000, `a 公示 of ${printed.bytes.length} bytes`)
})
