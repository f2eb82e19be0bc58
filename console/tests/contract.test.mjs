// Contract: every API call in console/src exists in the OpenAPI document with that method and
// path; the fields each call sends are in the operation's request schema, the fields the pages
// read are in its response schema; the Idempotency-Key list and the headers sent match the
// document. The mini-program's scanner (miniprogram/test/contract-scan.js) does the finding and
// the schema walking; here the console's ES modules and .vue files are handed to it as scripts.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { test } from 'node:test'
import { parse as parseModule } from '@babel/parser'
import { parse as parseSfc } from 'vue/compiler-sfc'
import { IDEMPOTENT_POSTS } from '../src/idempotent.js'
import { CONSOLE, ROOT } from './harness.mjs'

const scan = createRequire(import.meta.url)(path.join(ROOT, 'miniprogram', 'test', 'contract-scan.js'))
const SRC = path.join(CONSOLE, 'src')

// The scanner parses scripts: blank out import declarations and `export` keywords (keeping
// every offset and line), so an ES module reads as a script with the same calls in it.
function asScript(source) {
  let out = source
  const blank = (start, end) => { out = out.slice(0, start) + out.slice(start, end).replace(/[^\n]/g, ' ') + out.slice(end) }
  for (const node of parseModule(source, { sourceType: 'module' }).program.body) {
    if (node.type === 'ImportDeclaration' || (node.type === 'ExportNamedDeclaration' && !node.declaration)) blank(node.start, node.end)
    else if (node.type === 'ExportNamedDeclaration') blank(node.start, node.declaration.start)
    else if (node.type === 'ExportDefaultDeclaration') blank(node.start, node.declaration.start)
  }
  return out
}

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sources(full)
    if (entry.name.endsWith('.js')) return [[full, fs.readFileSync(full, 'utf8')]]
    if (entry.name.endsWith('.vue')) {
      const { descriptor } = parseSfc(fs.readFileSync(full, 'utf8'))
      return [descriptor.script, descriptor.scriptSetup].filter(Boolean).map(block => [full, block.content])
    }
    return []
  })
}

const calls = []
const nonLiteral = []
for (const [file, source] of sources(SRC)) {
  const found = scan.findApiCalls(asScript(source))
  const rel = path.relative(SRC, file)
  found.calls.forEach(c => calls.push({ file: rel, ...c }))
  found.nonLiteral.forEach(c => nonLiteral.push({ file: rel, ...c }))
}
const key = c => `${c.method} ${c.path}`
const callName = c => `${c.file} ${c.method.toUpperCase()} ${c.rawPath}`
const doc = scan.loadOpenApi()

// components/polls/PollWizard.vue body()
const POLL_FIELDS = ['title', 'description', 'electorate', 'scope_kind', 'scope_ids', 'rule', 'quorum_percent', 'secret',
  'allow_change', 'show_tally', 'opens_at', 'closes_at', 'objection_days', 'questions[].text', 'questions[].kind',
  'questions[].options', 'questions[].max_choices']

// Calls whose body is a variable: the fields they may send.
const REQUEST_BODIES = {
  'components/triage/AssignDialog.vue POST /matters/${props.matter.id}/assign': [
    'handler_type', 'note', 'department_id', 'due_date', 'user_id', 'team_id', 'handler_name'],
  'components/triage/ClassifyDialog.vue POST /matters/${props.matter.id}/reclassify': ['matter_class', 'reason'],
  'components/triage/ClassifyDialog.vue POST /matters/${props.matter.id}/classify': ['matter_class', 'reason'],
  'components/community/HouseholdsPanel.vue PATCH /households/${household.id}': ['elderly_alone', 'disabled', 'low_income'],
  'components/polls/PollWizard.vue PATCH /polls/${props.poll.id}': POLL_FIELDS,
  'components/polls/PollWizard.vue POST /polls': [...POLL_FIELDS, 'community_id'],
  // community money (issue 21): components/funds/, components/budgets/
  'components/funds/EntryDialog.vue POST /funds/${props.fund.id}/entries': ['kind', 'amount_fen', 'occurred_on',
    'counterparty', 'description', 'receipt_no', 'photo_id', 'household_id', 'paid_by', 'project_id', 'over_cost_reason'],
  'components/funds/CorrectionDialog.vue POST /fund-entries/${props.entry.id}/corrections': ['amount_fen', 'reason'],
  'components/budgets/RoundDialog.vue POST /communities/${session.communityId}/budget-rounds': ['title', 'description',
    'fund_id', 'budget_fen', 'rule', 'courtyard_id', 'proposals_until', 'voting_until'],
  'components/budgets/UpdateDialog.vue POST /budget-projects/${props.project.id}/updates': ['text', 'percent', 'completes',
    'photo_ids'],
}

// Headers a call sends besides Authorization, Content-Type and Idempotency-Key (src/api.js).
const HEADERS_SENT = { 'get /auth/console-logins/{}': ['X-Console-Key'] }

const paged = fields => ['next_cursor'].concat(fields.map(f => `items[].${f}`))
const USER = ['id', 'name', 'roles[].role', 'roles[].scope_id']
const SESSION = ['token', ...USER.map(f => `user.${f}`)]
const PHOTO = ['id', 'url', 'thumbnail_url']
const BRIEF = ['id', 'title', 'category_name', 'building_name', 'class_label', 'matter_class', 'status', 'status_label',
  'created_at', 'updated_at']
// components/TextCheckTag.vue, beside the status in the matters table and MatterDetail
const TEXT_CHECK = ['text_check', 'text_check_label']
// components/MatterDetail.vue and the board's use of an answer
const MATTER = ['id', 'title', 'description', 'category_name', 'status', 'status_label', 'building_id', 'building_name',
  'place_text', 'matter_class', 'class_label', 'handler.type', 'handler.name', 'due_date', 'satisfaction', 'submitter_name',
  'on_behalf', 'created_at', 'can.classify', 'can.reclassify', 'can.class_votes', 'can.assign', 'can.merge', 'can.escalate',
  ...PHOTO.map(f => `photos[].${f}`), 'timeline[].id', 'timeline[].action', 'timeline[].matter_class', 'timeline[].data',
  'timeline[].note', 'timeline[].actor_name', 'timeline[].created_at', ...PHOTO.map(f => `timeline[].photos[].${f}`),
  ...TEXT_CHECK]

// the triage queue and the matters table: a matter's own photos
const QUEUE = [...BRIEF, 'description', 'suggested_class', 'similar_ids', 'household_flags.elderly_alone',
  'household_flags.disabled', 'household_flags.low_income', ...PHOTO.map(f => `photos[].${f}`)]
const COMMUNITY_MATTER = [...BRIEF, ...TEXT_CHECK, 'handler_type', 'handler_name', 'due_date', 'overdue', 'satisfaction']
const HOUSEHOLD = ['id', 'building_name', 'unit', 'room', 'floor_area', 'head_name', 'head_phone', 'elderly_alone', 'disabled',
  'low_income', 'members[].name', 'members[].is_head']
// components/meetings/
const MEETING = ['id', 'community_id', 'title', 'description', 'place', 'starts_at', 'ends_at', 'capacity', 'status',
  'status_label', 'kind_label', 'stage_label', 'invited', 'attended', 'minutes', 'agenda[].position', 'agenda[].text',
  'decisions[].text', 'decisions[].matter_id', 'decisions[].matter_action', 'decisions[].poll_id', 'can.manage',
  'can.resend', 'can.check_in_by_hand', 'can.record_minutes', 'can.publish_minutes']
const ADDRESS = ['building_name', 'unit', 'room']
const THRESHOLD = ['name', 'label', 'value', 'of', 'unit', 'required', 'met']
// components/polls/ (PollDetail, PollResult, PollWizard, confirmPublish)
const POLL = ['id', 'community_id', 'title', 'description', 'status', 'status_label', 'electorate', 'electorate_label',
  'rule', 'rule_label', 'quorum_percent', 'secret', 'allow_change', 'show_tally', 'opens_at', 'closes_at', 'closed_at',
  'objections_until', 'objection_days', 'voted', 'voters', 'scope_kind', 'scope_ids', 'questions[].id', 'questions[].text',
  'questions[].kind', 'questions[].options', 'questions[].max_choices', 'cancel_reason', 'can_edit', 'can_close',
  'can_cancel', 'can_manage', 'can_supervise', 'can_object', 'can_enter_paper', 'result_digest', 'result.rule_label', 'result.quorum_percent',
  'result.electorate.people', 'result.electorate.area', 'result.participants.people', 'result.participants.area',
  'result.ballots', 'result.pending_paper', 'result.ballots_digest', 'result.questions[].question_id',
  'result.questions[].text', 'result.questions[].kind', 'result.questions[].passed', 'result.questions[].chosen',
  'result.questions[].tie', 'result.questions[].options[].label', 'result.questions[].options[].people',
  'result.questions[].options[].area', 'result.questions[].options[].passed',
  ...THRESHOLD.map(f => `result.questions[].thresholds[].${f}`),
  ...THRESHOLD.map(f => `result.questions[].options[].thresholds[].${f}`)]

// community money (issue 21): pages/FundsPage.vue, components/funds/; pages/BudgetsPage.vue, components/budgets/
const FUND = ['id', 'community_id', 'courtyard_id', 'scope_label', 'name', 'description', 'suggested_fen', 'balance_fen',
  'in_fen', 'out_fen', 'entry_count', 'can.keep', 'can.view_ledger', 'can.collect']
const ENTRY = ['id', 'seq', 'kind', 'kind_label', 'direction', 'amount_fen', 'balance_after_fen', 'occurred_on',
  'household.address', 'paid_by', 'counterparty', 'description', 'receipt_no', ...PHOTO.map(f => `photo.${f}`),
  'project.title', 'corrects_id', 'corrected_by', 'effective_fen', 'reason', 'recorded_by.name', 'recorded_at', 'acting_label']
const LINE = ['kind', 'kind_label', 'direction', 'amount_fen', 'households', 'occurred_on', 'counterparty', 'description',
  'receipt_no', ...PHOTO.map(f => `photo.${f}`), 'project.title', 'reason']
const STATEMENT = ['id', 'fund.name', 'kind', 'month', 'project.title', 'opening_fen', 'in_fen', 'out_fen', 'closing_fen',
  ...LINE.map(f => `lines[].${f}`), 'contributions.households', 'contributions.total_fen', 'digest', 'published_by.name',
  'published_at', 'confirmations[].user.id', 'confirmations[].user.name', 'confirmations[].agrees', 'confirmations[].note',
  'confirmations[].created_at', 'review', 'review_label', 'can.confirm']
const ROUND_SUMMARY = ['id', 'fund_id', 'title', 'scope_label', 'budget_fen', 'rule_label', 'status', 'status_label', 'proposals_until',
  'voting_until', 'closed_at']
const ROUND = [...ROUND_SUMMARY, 'rule', 'description', 'fund.id', 'fund.name', 'fund.balance_fen', 'voting_opened_at',
  'cancel_reason', 'electors', 'voted', 'projects[].id', 'projects[].title', 'projects[].location', 'projects[].estimate_fen',
  'projects[].cost_fen', 'projects[].status', 'projects[].status_label', 'result.rule_label', 'result.electors',
  'result.ballots', 'result.budget_fen', 'result.funded_ids', 'result.spent_fen', 'result.left_fen', 'result.share_fen',
  'result.tie_breaking', 'result.ballots_digest', 'result.projects[].id', 'result.projects[].cost_fen',
  'result.projects[].approvals', 'result.projects[].funded', 'result.projects[].explanation', 'result_digest',
  'can.review', 'can.manage', 'can.close']
const PROJECT = ['id', 'title', 'description', 'location', 'estimate_fen', 'cost_fen', 'status', 'status_label',
  'proposer.name', 'matter_id', 'review_reason', 'explanation', 'updates[].id', 'updates[].text', 'updates[].percent',
  'updates[].completes', ...PHOTO.map(f => `updates[].photos[].${f}`), 'updates[].posted_by.name', 'updates[].created_at',
  'signed_off_at', 'sign_off_note', 'evaluation.count', 'evaluation.average', 'can.update', 'can.sign_off']

// What the pages read of each operation's answer.
const RESPONSE_READS = {
  'get /me': USER,
  'get /communities': paged(['id', 'name']),
  'post /auth/login': SESSION,
  'get /auth/dev-logins': ['items[].code', 'items[].name', 'items[].roles[].role'],
  'post /auth/console-logins': ['id', 'browser_key', 'code_image', 'poll_interval_ms'],
  'get /auth/console-logins/{}': ['status', 'session', ...SESSION.map(f => `session.${f}`)],
  'get /communities/{}/triage-queue': paged(QUEUE),
  'get /communities/{}/council-members': ['items[].user_id', 'items[].name'],
  'get /communities/{}/grid-workers': ['items[].user_id', 'items[].name', 'items[].grid_id', 'items[].grid_name'],
  'get /communities/{}/people': paged(['user_id', 'name', 'address', 'roles[].role']),
  'get /communities/{}/meeting-stats': ['items[].month', 'items[].kind', 'items[].kind_label', 'items[].meetings',
    'items[].invited', 'items[].present'],
  'get /communities/{}/poll-stats': ['items[].title', 'items[].closed_at', 'items[].electorate_label', 'items[].voters',
    'items[].voted', 'items[].turnout_percent'],
  'get /matters/{}': MATTER,
  'post /matters/{}/classify': MATTER,
  'post /matters/{}/reclassify': MATTER,
  'post /matters/{}/class-votes': MATTER,
  'post /matters/{}/assign': MATTER,
  'post /matters/{}/merge': MATTER,
  'post /matters/{}/escalate': MATTER,
  'get /departments': paged(['id', 'name']),
  'get /communities/{}/volunteer-teams': paged(['id', 'name']),
  'get /communities/{}': ['name', 'grids[].id', 'grids[].name', 'grids[].courtyards[].id', 'grids[].courtyards[].name',
    'grids[].courtyards[].buildings[].id', 'grids[].courtyards[].buildings[].name'],
  'get /communities/{}/role-assignments': paged(['id', 'user_id', 'user_name', 'granted_by_name', 'role', 'scope_id', 'granted_at']),
  'get /communities/{}/matters': paged(COMMUNITY_MATTER),
  'get /communities/{}/matter-stats': ['total', 'by_class', 'by_status', 'by_grid', 'median_days_to_resolution', 'satisfaction',
    'by_month[].month', 'by_month[].major', 'by_month[].minor', 'by_month[].private', 'by_month[].unclassified',
    'by_month[].resolved', 'by_handler[].handler_label', 'by_handler[].name', 'by_handler[].count', 'by_handler[].resolved',
    'by_handler[].median_days_to_resolution', 'by_handler[].overdue', 'by_handler[].average_satisfaction'],
  'get /communities/{}/audit-entries': paged(['id', 'created_at', 'actor', 'action', 'target_type', 'target_id',
    'household_id', 'details', 'hash']),
  'get /audit/verify': ['ok', 'entries', 'first_bad_id'],
  'get /buildings/{}/households': paged(HOUSEHOLD),
  'patch /households/{}': HOUSEHOLD,
  'post /households/{}/join-codes': ['id', 'household_id', 'code', 'as_head', 'expires_at'],
  'get /households/{}/join-codes': paged(['id', 'household_id', 'as_head', 'issued_at', 'expires_at', 'issued_by_name']),
  'get /communities/{}/meetings': paged(MEETING),
  'get /meetings/mine': paged(MEETING),
  'get /meetings/{}': MEETING,
  'post /meetings/{}/manual-checkins': MEETING,
  'post /meetings/{}/minutes': MEETING,
  'post /meetings/{}/publish-minutes': MEETING,
  'get /meetings/{}/replies': ['invited', 'attend', 'people_attending', 'maybe', 'decline', 'unanswered', 'present',
    ...ADDRESS.map(f => `unanswered_households[].${f}`), 'unanswered_households[].head_name',
    'unanswered_households[].wechat_label'],
  'get /meetings/{}/invitations': paged([...ADDRESS, 'id', 'household_id', 'head_name', 'reply', 'people', 'present',
    'checked_in_by_hand']),
  'post /meetings/{}/resend': ['notified'],
  'get /communities/{}/polls': paged(['id', 'title', 'electorate_label', 'rule_label', 'status', 'status_label', 'voted',
    'voters', 'closes_at']),
  'get /polls/{}': POLL,
  'post /polls': POLL,
  'patch /polls/{}': POLL,
  'post /polls/{}/publish': POLL,
  'post /polls/{}/cancel': POLL,
  'post /polls/{}/close': POLL,
  'get /polls/rules': ['electorates[].value', 'electorates[].label', 'rules[].value', 'rules[].label', 'rules[].summary',
    'rules[].owners_only', 'rules[].requires[].label', 'rules[].requires[].required'],
  'get /polls/{}/electorate': ['voters', 'households', 'area'],
  'get /polls/{}/turnout': ['items[].building_name', 'items[].electors', 'items[].voted', 'items[].paper_pending'],
  'get /polls/{}/paper-ballots': paged(['id', 'household', 'via', 'status', 'photo.url', 'photo.thumbnail_url',
    'entered_by', 'entered_at', 'proxy_name', 'authorization_text', 'choices', 'reviewed_by', 'reviewed_at', 'review_note']),
  'get /polls/{}/objections': paged(['id', 'household', 'mine', 'created_at', 'text', 'answer', 'answered_at']),
  // community money (issue 21)
  'get /communities/{}/funds': ['items[].id', 'items[].name', 'items[].scope_label', 'items[].balance_fen'],
  'post /communities/{}/funds': ['id'],
  'get /funds/{}': FUND,
  'get /funds/{}/entries': paged(ENTRY),
  'get /funds/{}/contributors': paged(['household.id', 'household.address', 'head_name', 'contributed_fen', 'last_on']),
  'get /funds/{}/statements': paged(['id', 'kind', 'month', 'project.title', 'opening_fen', 'in_fen', 'out_fen',
    'closing_fen', 'published_at', 'review', 'review_label']),
  'post /funds/{}/statements': STATEMENT,
  'get /fund-statements/{}': STATEMENT,
  'post /fund-statements/{}/confirmations': STATEMENT,
  'get /budget-projects/{}/spending': ['cost_fen', 'spent_fen', ...LINE.map(f => `entries[].${f}`)],
  'get /communities/{}/agenda-rules': ['items[].id', 'items[].title', 'items[].text', 'items[].active'],
  'get /communities/{}/budget-rounds': paged(ROUND_SUMMARY),
  'get /budget-rounds/{}': ROUND,
  'post /communities/{}/budget-rounds': ROUND,
  'post /budget-rounds/{}/review': ROUND,
  'post /budget-rounds/{}/open-voting': ROUND,
  'post /budget-rounds/{}/close': ROUND,
  'post /budget-rounds/{}/cancel': ROUND,
  'get /budget-rounds/{}/electors': paged(['courtyard_name', ...ADDRESS, 'head_name', 'elderly_alone', 'voted', 'voted_at', 'entered_for']),
  'get /budget-projects/{}': PROJECT,
  'post /budget-projects/{}/review': ['id'],
}
// Called, answer not read (204, or a file saved as it comes)
const RESPONSE_UNREAD = ['post /auth/logout', 'post /auth/logout-everywhere', 'get /communities/{}/triage-sheet',
  'delete /join-codes/{}', 'post /role-assignments', 'delete /role-assignments/{}', 'post /polls/{}/paper-ballots/{}/confirm',
  'post /polls/{}/paper-ballots/{}/reject', 'post /polls/{}/objections/{}/answer', 'post /polls/{}/objections',
  // the printable PDFs (components/print/PdfButton.vue), saved as they come
  'get /polls/{}/result.pdf', 'get /polls/{}/paper-ballots.pdf', 'get /meetings/{}/notice.pdf',
  'get /meetings/{}/sign-in-sheet.pdf', 'get /meetings/{}/minutes.pdf', 'post /join-codes/slips.pdf',
  // community money (issue 21): the page reads the fund or project again; the statement's PDF and Excel are saved
  'post /funds/{}/entries', 'post /fund-entries/{}/corrections', 'post /communities/{}/agenda-rules', 'patch /agenda-rules/{}',
  'post /budget-projects/{}/updates', 'post /budget-projects/{}/sign-off', 'get /fund-statements/{}/statement.pdf',
  'get /fund-statements/{}/statement.xlsx']

test('the scan finds the calls (and none whose path is not a literal)', () => {
  assert.ok(calls.length > 20)
  assert.ok(calls.some(c => key(c) === 'post /matters/{}/class-votes'))
  assert.deepEqual(nonLiteral, [])
})

test('every call is an operation of the OpenAPI document', () => {
  const operations = scan.documentedOperations(doc)
  assert.deepEqual(calls.filter(c => !operations.has(key(c))).map(callName), [])
})

test('every body sent has only fields of the request schema', () => {
  const bodies = calls.filter(c => c.body)
  const variable = bodies.filter(c => c.body.variable).map(callName)
  assert.deepEqual(variable.filter(name => !REQUEST_BODIES[name]), [], 'bodies to list in REQUEST_BODIES')
  assert.deepEqual(Object.keys(REQUEST_BODIES).filter(name => !variable.includes(name)), [], 'REQUEST_BODIES no call makes')
  for (const call of bodies) {
    const schema = scan.requestSchema(doc, key(call))
    assert.ok(schema, `${callName(call)} sends a body to an operation that takes none`)
    const fields = call.body.fields || REQUEST_BODIES[callName(call)]
    const missing = fields.map(f => scan.missingField(doc, schema, f) && f).filter(Boolean)
    assert.deepEqual(missing, [], `${callName(call)} sends fields the request schema lacks`)
  }
})

test('every field the pages read is in the response schema, and every call is listed', () => {
  const called = new Set(calls.map(key))
  const listed = [...Object.keys(RESPONSE_READS), ...RESPONSE_UNREAD]
  assert.deepEqual([...called].filter(k => !listed.includes(k)), [], 'calls to list in RESPONSE_READS or RESPONSE_UNREAD')
  assert.deepEqual(listed.filter(k => !called.has(k)), [], 'listed operations nobody calls')
  for (const [operation, fields] of Object.entries(RESPONSE_READS)) {
    const schema = scan.responseSchema(doc, operation)
    assert.ok(schema, `${operation}: no JSON answer in the document`)
    const missing = fields.map(f => scan.missingField(doc, schema, f) && f).filter(Boolean)
    assert.deepEqual(missing, [], `${operation}: read fields the response schema lacks`)
  }
})

test('Idempotency-Key goes with exactly the POSTs the document marks idempotent; other headers are documented', () => {
  const documented = []
  for (const [docPath, item] of Object.entries(doc.paths)) {
    const params = item.post?.parameters || []
    if (params.some(p => p.in === 'header' && p.name === 'Idempotency-Key')) documented.push(scan.normalizeOpenApiPath(docPath))
  }
  assert.deepEqual([...IDEMPOTENT_POSTS].sort(), documented.sort())
  for (const [operation, headers] of Object.entries(HEADERS_SENT)) {
    const [method, normalized] = operation.split(' ')
    const docPath = Object.keys(doc.paths).find(p => scan.normalizeOpenApiPath(p) === normalized)
    const params = (doc.paths[docPath]?.[method]?.parameters || []).filter(p => p.in === 'header').map(p => p.name)
    assert.deepEqual(headers.filter(h => !params.includes(h)), [], operation)
  }
})
