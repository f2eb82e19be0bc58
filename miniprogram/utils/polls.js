// 表决（投票）页面共用的中文名称、规则和小工具：把选票写成中文、门槛写成一行、
// 组装发给后端的 answers、检查每题都答了、多选不超过限数、结果怎么显示。
//
// 答题的规则照抄后端 app/polls/service/voting.py（choices_of），只用来在页面上先拦一道；真正说了算的是后端：
// 不允许的操作回 403/409/422，api.js 弹出后端给的中文说明。
// 后端给了的就用后端的，不在手机上猜：状态、表决方式、通过规则、审计动作的中文名（*_label）；
// 能不能投、为什么不能（can_vote / cannot_vote_reason）、本户投了没有（household_voted）、
// 能不能截止计票（can_close）、能不能提异议（can_object）、计票摘要（result_digest）。
//
// 回执码（receipt）可以给别人看，只证明票收到了、计入了；核对码（tracker）只给投票人自己，截止后在公示的全部选票
// （GET /polls/{id}/board，不记名）里找到自己那张。两个码和投的选择存在本机（saveBallot / savedBallot），
// 公示的选票在手机上重新计票（tallyBoard / boardDifferences / boardMatchesResult）、找核对码（findOnBoard）。
//
// “选了什么”在页面上记成 picks：{ 题目id: 选项下标数组 }。没有这一项（undefined/null）是“还没答”，
// 空数组 [] 是选择题的“弃权”（后端：选择题不选任何项就是弃权）；是非题的弃权是选项 2。
const api = require('./api')
const { formatMeetingTime } = require('./format')
const { sha256 } = require('js-sha256') // 开发者工具：工具 → 构建 npm（生成 miniprogram_npm/）

const YES_NO_LABELS = ['赞成', '反对', '弃权']
const YES_NO_ABSTAIN = 2

const VIA_LABELS = { phone: '手机投票', paper: '纸质票', proxy: '委托投票' }
const PAPER_STATUS_LABELS = { pending: '待监委会确认', confirmed: '已确认，已计票', rejected: '已退回' }

// 纸质票、委托投票只用于按户表决（后端 enter_paper：not_household_poll）
const PAPER_ELECTORATES = ['households', 'owners']

const RECEIPTS_KEY = 'yb_poll_receipts'

// ---------- 题目和选项 ----------

function optionLabels(question) {
  if (question && question.kind === 'yes_no') return YES_NO_LABELS
  return (question && question.options) || []
}

function isAnswered(picked) {
  return Array.isArray(picked)
}

// 一题的答案写成中文：“赞成”“张三、李四”“弃权”；没答是“（未作答）”
function answerText(question, picked) {
  if (!isAnswered(picked)) return '（未作答）'
  if (!picked.length) return '弃权'
  const labels = optionLabels(question)
  return picked.map(i => (labels[i] !== undefined ? labels[i] : `第${i + 1}项`)).join('、')
}

function questionNo(question, index) {
  return question && question.position ? question.position : index + 1
}

// 一张选票（后端的 choices：{"题目id": [下标]}）→ [{key, text: '1. 题目：赞成'}]
function choicesLines(questions, choices) {
  const map = choices || {}
  return (questions || []).map((q, index) => ({
    key: String(q.id),
    text: `${questionNo(q, index)}. ${q.text}：${answerText(q, map[String(q.id)])}`,
  }))
}

// 确认框里的那段话（一题一行）
function choicesSummary(questions, choices) {
  return choicesLines(questions, choices).map(line => line.text).join('\n')
}

// 后端的 choices → 页面的 picks（“修改我的选票”时把原来的选择放回去）
function picksFromChoices(choices) {
  const picks = {}
  Object.keys(choices || {}).forEach(id => {
    picks[id] = (choices[id] || []).slice()
  })
  return picks
}

// 点了一个选项：返回新的选择 { picked, error }。
// 是非题、单选题：换成这一项；多选题：选上或取消，超过最多可选项数时不选，给出 error；
// 多选题取消到一个都不剩时算“还没答”（弃权要明确点“弃权”）。
function togglePick(question, picked, index) {
  const labels = optionLabels(question)
  if (!Number.isInteger(index) || index < 0 || index >= labels.length) return { picked: picked, error: '' }
  if (question.kind !== 'multiple') return { picked: [index], error: '' }
  const current = isAnswered(picked) ? picked : []
  if (current.includes(index)) {
    const rest = current.filter(i => i !== index)
    return { picked: rest.length ? rest : null, error: '' }
  }
  const max = question.max_choices || 1
  if (current.length >= max) return { picked: current, error: `这道题最多选 ${max} 项` }
  return { picked: current.concat([index]).sort((a, b) => a - b), error: '' }
}

// 点了“弃权”：是非题选“弃权”这一项，选择题什么都不选
function abstain(question) {
  return question.kind === 'yes_no' ? [YES_NO_ABSTAIN] : []
}

// 每题都答了、是非题正好一项、多选不超过限数。都对时返回空串，否则返回给人看的说明。
function validateAnswers(questions, picks) {
  const map = picks || {}
  for (let index = 0; index < (questions || []).length; index++) {
    const q = questions[index]
    const picked = map[String(q.id)]
    const no = questionNo(q, index)
    if (!isAnswered(picked)) {
      return q.kind === 'yes_no' ? `第 ${no} 题还没选：请选赞成、反对或弃权` : `第 ${no} 题还没选：不想选可以点“弃权”`
    }
    const labels = optionLabels(q)
    if (picked.some(i => !Number.isInteger(i) || i < 0 || i >= labels.length) || new Set(picked).size !== picked.length) {
      return `第 ${no} 题的选项不对，请重新选`
    }
    if (q.kind === 'yes_no' && picked.length !== 1) return `第 ${no} 题请选赞成、反对或弃权`
    if (q.kind === 'single' && picked.length > 1) return `第 ${no} 题只能选 1 项`
    if (q.kind === 'multiple' && picked.length > (q.max_choices || 1)) return `第 ${no} 题最多选 ${q.max_choices || 1} 项`
  }
  return ''
}

// 发给后端的 answers：按题目顺序，每题一次，选项下标从小到大
function buildAnswers(questions, picks) {
  const map = picks || {}
  return (questions || []).map(q => ({
    question_id: q.id,
    choices: (map[String(q.id)] || []).slice().sort((a, b) => a - b),
  }))
}

function kindHint(question) {
  if (question.kind === 'single') return '单选'
  if (question.kind === 'multiple') return `可多选，最多 ${question.max_choices || 1} 项`
  return ''
}

// 页面上的题目：[{id, no, text, kind, hint, options: [{index, label, on}], abstained, answered}]
function questionViews(questions, picks) {
  const map = picks || {}
  return (questions || []).map((q, index) => {
    const picked = map[String(q.id)]
    const answered = isAnswered(picked)
    return {
      id: q.id,
      no: questionNo(q, index),
      text: q.text,
      kind: q.kind,
      hint: kindHint(q),
      options: optionLabels(q).map((label, i) => ({ index: i, label, on: answered && picked.includes(i) })),
      abstained: answered && (q.kind === 'yes_no' ? picked[0] === YES_NO_ABSTAIN : picked.length === 0),
      answered,
    }
  })
}

// ---------- 选票、回执 ----------

function viaLabel(via) {
  return VIA_LABELS[via] || ''
}

// 我的选票的状态：已计入 / 纸质票（委托投票）待监委会确认
function ballotStatusText(ballot) {
  if (!ballot) return ''
  if (ballot.status === 'pending') return `${ballot.via === 'proxy' ? '委托投票' : '纸质票'}待监委会确认`
  return '已计入'
}

// 列表上的“已投票 / 本户已投票 / 未投票”：我的选票（我是本户的投票人）看 my_ballot；
// 户里不是投票人的成员没有 my_ballot，看 household_voted（本户的投票人投过了）
function myVoteText(poll) {
  const ballot = poll && poll.my_ballot
  if (ballot) return ballot.status === 'pending' ? '已投票（待确认）' : '已投票'
  return poll && poll.household_voted ? '本户已投票' : '未投票'
}

function turnoutText(poll) {
  return `已投 ${(poll && poll.voted) || 0} / ${(poll && poll.voters) || 0}`
}

// GET /polls/{id}/electorate → “发布后参加表决的：3 位业主（4 户），共 240 ㎡”（业主表决按人头和面积，
// 一户一票按户，议事会和一人一票按人）；没有人时说明发布不了
function electorateText(e, electorate) {
  if (!e) return ''
  const who = e.frozen ? '参加表决的' : '发布后参加表决的'
  if (!e.voters) return '投票范围内还没有人，发布不了；请先改范围'
  if (electorate === 'owners') return `${who}：${e.voters} 位业主（${e.households} 户），共 ${e.area} ㎡`
  if (electorate === 'households') return `${who}：${e.voters} 户`
  return `${who}：${e.voters} 人`
}

// GET /polls/{id}/turnout 的一栋楼 → “海滨新村1幢：已投 1 / 3，纸质票待确认 1”
function buildingTurnoutText(t) {
  return `${t.building_name}：已投 ${t.voted} / ${t.electors}` + (t.paper_pending ? `，纸质票待确认 ${t.paper_pending}` : '')
}

// 回执码：全角转半角，去掉空格和连字符，转大写；只能是字母数字
function normalizeReceipt(raw) {
  return String(raw || '')
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, ch => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s\-\uFF0D]+/g, '')
    .toUpperCase()
}

function isValidReceipt(code) {
  return /^[A-Z0-9]{4,32}$/.test(code || '')
}

// 回执码、核对码和投的选择存在本机（跟着用户 id）：
//   { user_id, receipts: { 表决id: { receipt, tracker, choices } } }
// 旧版本只存了回执码（receipts 的值是字符串），照样认：当成没有核对码、没有选择。
// 回执码（receipt）可以给别人看：只能证明票已收到、已计票，看不出投了什么。
// 核对码（tracker）只给投票人自己：截止后公示的全部选票（不记名）里用它找到自己的票，核对选择有没有被改。
// 选择（choices）是投票人在这部手机上确认过的那一份，截止后拿来和公示的那张票比。
function currentUserId() {
  const user = api.getUser()
  return (user && user.id) || null
}

function storedReceipts() {
  const stored = wx.getStorageSync(RECEIPTS_KEY)
  return stored && typeof stored === 'object' && stored.user_id === currentUserId() ? stored.receipts || {} : null
}

function toSaved(value) {
  if (!value) return null
  if (typeof value === 'string') return { receipt: value, tracker: '', choices: null }
  if (typeof value !== 'object') return null
  return {
    receipt: value.receipt || '',
    tracker: value.tracker || '',
    choices: value.choices && typeof value.choices === 'object' ? value.choices : null,
  }
}

// 存一张选票：{ receipt, tracker, choices }（没有的项不存）
function saveBallot(pollId, ballot) {
  const receipts = storedReceipts() || {}
  const saved = toSaved(ballot) || {}
  receipts[String(pollId)] = {
    receipt: saved.receipt || '',
    tracker: saved.tracker ? normalizeReceipt(saved.tracker) : '',
    choices: saved.choices ? picksFromChoices(saved.choices) : null,
  }
  wx.setStorageSync(RECEIPTS_KEY, { user_id: currentUserId(), receipts })
}

// 只存回执码（没有核对码和选择）
function saveReceipt(pollId, receipt) {
  saveBallot(pollId, { receipt })
}

// 本机存的这张选票 { receipt, tracker, choices }；没有（或是别的账号存的）时 null
function savedBallot(pollId) {
  const receipts = storedReceipts()
  return receipts ? toSaved(receipts[String(pollId)]) : null
}

function savedReceipt(pollId) {
  const saved = savedBallot(pollId)
  return (saved && saved.receipt) || ''
}

// 两份选择一样吗（键是题目 id，选项下标不论顺序）
function sameChoices(a, b) {
  if (!a || !b) return false
  const keys = Object.keys(a).filter(k => Array.isArray(a[k]))
  const other = Object.keys(b).filter(k => Array.isArray(b[k]))
  if (keys.length !== other.length) return false
  return keys.every(k => {
    if (!Array.isArray(b[k])) return false
    const x = a[k].slice().sort((m, n) => m - n)
    const y = b[k].slice().sort((m, n) => m - n)
    return x.length === y.length && x.every((v, i) => v === y[i])
  })
}

// ---------- 公示的全部选票（截止后，GET /polls/{id}/board） ----------
//
// 每张计入的选票一条：{ tracker, choices, people, area }，没有名字。people（人数，1）和 area（面积，
// 字符串，两位小数，只有业主表决不是 "0.00"）是计票用的权重。谁都可以按这些选票重新数一遍，和公布的结果比；
// 投票人用自己的核对码找到自己那张，看选择有没有被改。

// "89.50" → 8950（按 0.01 m² 算整数，加起来不会有小数误差）；认不出来的当 NaN
function areaHundredths(area) {
  const m = /^\s*(\d+)(?:\.(\d{1,2}))?\s*$/.exec(area === undefined || area === null ? '0' : String(area))
  if (!m) return NaN
  return Number(m[1]) * 100 + Number(((m[2] || '') + '00').slice(0, 2))
}

function formatHundredths(h) {
  if (!Number.isFinite(h)) return 'NaN'
  return `${Math.floor(h / 100)}.${String(h % 100).padStart(2, '0')}`
}

function weightOf(item) {
  const people = item && item.people !== undefined && item.people !== null ? Number(item.people) : 1
  return { people: Number.isInteger(people) ? people : NaN, hundredths: areaHundredths(item && item.area) }
}

// 按公示的选票重新计票：和后端的 Result 同样的形状，页面可以逐项和 poll.result 比
//   { ballots, participants: {people, area}, questions: [{ question_id, options: [{people, area}] }] }
// 每张票的权重加到它选的每一项上（是非题的弃权是第 3 项；选择题弃权什么都不加）。
// 选了不存在的选项：照样数上（选项会比题目多出来），比对时就不一致。
function tallyBoard(questions, items) {
  const list = items || []
  const weights = list.map(weightOf)
  const sum = (a, w) => ({ people: a.people + w.people, hundredths: a.hundredths + w.hundredths })
  const zero = () => ({ people: 0, hundredths: 0 })
  const out = x => ({ people: x.people, area: formatHundredths(x.hundredths) })
  const participants = weights.reduce(sum, zero())
  return {
    ballots: list.length,
    participants: out(participants),
    questions: (questions || []).map(q => {
      const supports = optionLabels(q).map(zero)
      list.forEach((item, i) => {
        const picked = (item && item.choices && item.choices[String(q.id)]) || []
        picked.forEach(index => {
          if (!Number.isInteger(index) || index < 0) return
          while (supports.length <= index) supports.push(zero())
          supports[index] = sum(supports[index], weights[i])
        })
      })
      return { question_id: q.id, options: supports.map(out) }
    }),
  }
}

function countLabel(count, weighted, unit) {
  return weighted ? `${count.people} ${unit}，${count.area} m²` : `${count.people} ${unit}`
}

// 公示的选票和公布的结果哪里对不上：一条一句话（都对得上时是空数组）。
// 比：张数（result.ballots）、参与的人数和面积、每题每个选项的人数和面积；核对码有重复的也算对不上。
// 面积按 0.01 m² 的整数比，"89.5" 和 "89.50" 算一样。
function boardDifferences(questions, items, result, electorate) {
  if (!result) return ['还没有公布的结果']
  const list = items || []
  const tally = tallyBoard(questions, list)
  const weighted = isWeighted(result.rule)
  const unit = peopleUnit(electorate)
  const same = (a, b) => Boolean(a) && Boolean(b) && a.people === b.people && areaHundredths(a.area) === areaHundredths(b.area)
  const diffs = []
  if (tally.ballots !== result.ballots) diffs.push(`选票张数：公示 ${tally.ballots} 张，公布的结果 ${result.ballots || 0} 张`)
  const seen = new Set()
  const repeated = new Set()
  list.forEach(item => {
    const t = normalizeReceipt(item && item.tracker)
    if (seen.has(t)) repeated.add(t)
    seen.add(t)
  })
  if (repeated.size) diffs.push(`有重复的核对码：${Array.from(repeated).join('、')}`)
  if (result.participants && !same(tally.participants, result.participants)) {
    diffs.push(`参与：公示的选票 ${countLabel(tally.participants, weighted, unit)}，公布的结果 ${countLabel(result.participants, weighted, unit)}`)
  }
  ;(result.questions || []).forEach((rq, qi) => {
    const index = (questions || []).findIndex(q => q.id === rq.question_id)
    const tq = index >= 0 ? tally.questions[index] : null
    const no = index >= 0 ? questionNo(questions[index], index) : qi + 1
    if (!tq) {
      diffs.push(`第 ${no} 题：公示的选票里没有这道题`)
      return
    }
    const options = rq.options || []
    const length = Math.max(options.length, tq.options.length)
    for (let i = 0; i < length; i++) {
      const published = options[i]
      const counted = tq.options[i] || { people: 0, area: '0.00' }
      const label = published ? published.label : `第${i + 1}项`
      if (!published) {
        if (counted.people || areaHundredths(counted.area)) diffs.push(`第 ${no} 题“${label}”：公示的选票里有人选了不存在的选项`)
      } else if (!same(counted, published)) {
        diffs.push(`第 ${no} 题“${label}”：公示的选票 ${countLabel(counted, weighted, unit)}，公布的结果 ${countLabel(published, weighted, unit)}`)
      }
    }
  })
  return diffs
}

// 和 Python 的 json.dumps(value, sort_keys=True) 写得一样：键排序，", " 和 ": " 分隔，非 ASCII 写成 \\uXXXX
function pythonJson(value) {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map(k => `${pythonJson(k)}: ${pythonJson(value[k])}`).join(', ')}}`
  }
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
  }
  return JSON.stringify(value === undefined ? null : value)
}

// 按公示的选票算选票摘要：后端的 ballots_digest 是每张票一行“核对码:选择的 JSON”（Python 的 json.dumps，键排序），
// 排好序用换行连起来的 sha256（OpenAPI 文档 Result.ballots_digest 写着）。和公布结果里的一样，
// 说明这部手机看到的选票就是冻结结果时数的那一份（公布的结果对所有人都一样，监委会复核的也是它）。
function boardDigest(items) {
  const lines = (items || []).map(item => `${item.tracker}:${pythonJson(item.choices || {})}`)
  lines.sort()
  return sha256(lines.join('\n'))
}

// 按公示的选票重新计票，和公布的结果一致吗（张数、参与、每题每项的人数和面积）
function boardMatchesResult(questions, items, result) {
  return boardDifferences(questions, items, result).length === 0
}

// 在公示的选票里找核对码（像回执码一样整理：去空格、全角转半角、大写）；找不到时 null
function findOnBoard(items, tracker) {
  const code = normalizeReceipt(tracker)
  if (!code) return null
  return (items || []).find(item => item && normalizeReceipt(item.tracker) === code) || null
}

// ---------- 结果 ----------

function isWeighted(rule) {
  return rule === 'owners_ordinary' || rule === 'owners_special'
}

// 一道门槛写成一行：“赞成票占投票数：20 / 30（> 1/2）✓”；面积带 m²
function thresholdLine(t) {
  const unit = t.unit === 'm²' ? ' m²' : ''
  return `${t.label}：${t.value} / ${t.of}${unit}（${t.required}）${t.met ? '✓' : '✗'}`
}

function thresholdViews(list) {
  return (list || []).map((t, i) => ({ key: `${t.name || 't'}-${i}`, text: thresholdLine(t), met: Boolean(t.met) }))
}

function shortDigest(digest) {
  const d = String(digest || '')
  return d.length > 16 ? `${d.slice(0, 16)}…` : d
}

// 一户一票的按“户”数，其余按“人”数
function peopleUnit(electorate) {
  return electorate === 'households' ? '户' : '人'
}

function countText(count, weighted, unit) {
  const people = `${(count && count.people) || 0} ${unit}`
  return weighted ? `${people}，${(count && count.area) || '0.00'} m²` : people
}

// 后端的 Result → 页面上的结果
function resultView(result, electorate) {
  if (!result) return null
  const weighted = isWeighted(result.rule)
  const unit = peopleUnit(electorate)
  return {
    ruleLabel: result.rule_label || '',
    weighted,
    participantsText: countText(result.participants, weighted, unit),
    electorateText: countText(result.electorate, weighted, unit),
    ballots: result.ballots || 0,
    pendingPaper: result.pending_paper || 0,
    questions: (result.questions || []).map((q, index) => {
      const choice = q.kind !== 'yes_no'
      const chosen = (q.chosen || []).map(i => (q.options[i] ? q.options[i].label : '')).filter(Boolean)
      let outcomeText = q.passed ? '通过' : '未通过'
      if (choice) outcomeText = chosen.length ? `选出：${chosen.join('、')}` : '没有选项通过'
      return {
        key: String(q.question_id),
        no: index + 1,
        text: q.text,
        passed: Boolean(q.passed),
        outcomeText,
        tie: Boolean(q.tie),
        thresholds: thresholdViews(q.thresholds),
        options: (q.options || []).map((o, i) => ({
          key: `${q.question_id}-${i}`,
          label: o.label,
          countText: countText(o, weighted, unit),
          chosen: choice ? (q.chosen || []).includes(i) : false,
          passedText: choice ? (o.passed ? '达到通过门槛' : '未达到通过门槛') : '',
          // 是非题的门槛就是“赞成”的门槛，放在题目下面；选择题每个选项单独判断
          thresholds: choice ? thresholdViews(o.thresholds) : [],
        })),
      }
    }),
  }
}

// ---------- 时间、权限 ----------

function timeText(iso, now = Date.now()) {
  return formatMeetingTime(iso, now)
}

function roles(user) {
  return (user && user.roles) || []
}

// 录入纸质票、委托投票：只看后端（投票中、按户表决、楼栋长或范围内的网格员），页面不自己按角色猜
function canEnterPaper(poll) {
  return Boolean(poll && poll.can_enter_paper)
}

// “本社区全部表决”看哪个社区：监委会、工作人员、业委会用角色的社区，否则用自家所在社区。
// 只给管表决、监督、录纸质票的人（普通居民看“我的表决”就够了）；不知道社区时返回 null。
const OVERSEER_ROLES = ['supervisor', 'staff', 'owners_committee']
const LIST_ALL_ROLES = OVERSEER_ROLES.concat(['building_head', 'grid_worker'])

function communityListId(user) {
  if (!roles(user).some(r => LIST_ALL_ROLES.includes(r.role))) return null
  const scoped = roles(user).find(r => OVERSEER_ROLES.includes(r.role) && r.scope_id != null)
  if (scoped) return scoped.scope_id
  return (user && user.household && user.household.community_id) || null
}

// “发起表决”入口：列表没有后端的 can 标记，按 /me 的角色（社区工作人员、业委会）显示，点进去由后端说了算（403）
const DRAFTER_ROLES = ['staff', 'owners_committee']

function canDraftPolls(user) {
  return roles(user).some(r => DRAFTER_ROLES.includes(r.role))
}

// 还没投票的（GET /polls/{id}/electors?voted=false）按楼栋分组：[{ name, count, labels }]；按人投票的没有楼栋，归在“议事会成员、居民”
function electorsByBuilding(items) {
  const groups = []
  ;(items || []).forEach(e => {
    const name = e.building || '议事会成员、居民'
    let group = groups.find(g => g.name === name)
    if (!group) {
      group = { name, count: 0, labels: [] }
      groups.push(group)
    }
    group.count += 1
    group.labels.push(e.head_name ? `${e.label}（${e.head_name}）` : e.label)
  })
  return groups
}

module.exports = {
  YES_NO_LABELS,
  VIA_LABELS,
  PAPER_STATUS_LABELS,
  PAPER_ELECTORATES,
  RECEIPTS_KEY,
  optionLabels,
  answerText,
  choicesLines,
  choicesSummary,
  picksFromChoices,
  togglePick,
  abstain,
  validateAnswers,
  buildAnswers,
  questionViews,
  viaLabel,
  ballotStatusText,
  myVoteText,
  turnoutText,
  electorateText,
  buildingTurnoutText,
  normalizeReceipt,
  isValidReceipt,
  saveReceipt,
  savedReceipt,
  saveBallot,
  savedBallot,
  sameChoices,
  areaHundredths,
  tallyBoard,
  boardDifferences,
  boardMatchesResult,
  findOnBoard,
  boardDigest,
  pythonJson,
  isWeighted,
  thresholdLine,
  shortDigest,
  resultView,
  timeText,
  canEnterPaper,
  communityListId,
  canDraftPolls,
  electorsByBuilding,
}
