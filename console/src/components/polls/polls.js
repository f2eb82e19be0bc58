import { ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message-box/style/css'
import { api } from '../../api'
import { formatTime } from '../../labels'

// Words and sums the poll pages share. Labels the API sends (electorate_label, rule_label,
// status_label, the rule book) are used as they come; these are the codes it sends bare.
export const ELECTORATE_HELP = {
  households: '范围内每户一票：由户主投，或户主指定的一位家庭成员投。',
  council: '家园理事会成员每人一票（范围为整个社区）。',
  residents: '范围内每位已登记的居民一人一票。',
  owners: '业主表决：按专有部分面积和业主人数双重计票（《民法典》第二百七十八条），须实名投票。',
}

export const SCOPE_LABELS = { community: '整个社区', courtyard: '一个院落', buildings: '指定楼栋' }

export const KIND_LABELS = { yes_no: '赞成/反对/弃权', single: '单选', multiple: '多选' }
export const YES_NO = ['赞成', '反对', '弃权'] // app/polls/models.py YES_NO_OPTIONS

export const VIA_LABELS = { phone: '手机投票', paper: '纸质票', proxy: '委托投票' }
export const PAPER_STATUS_LABELS = { pending: '待确认', confirmed: '已确认', rejected: '已退回' }

// What a ballot chose, question by question, in words: [{question, answer}]
export function choicesText(poll, choices) {
  return poll.questions.map(q => {
    const picked = choices?.[String(q.id)] || []
    return { question: q.text, answer: picked.length ? picked.map(i => q.options[i]).join('、') : '弃权' }
  })
}

// The buildings a poll's scope covers, from the community tree (GET /communities/{id}), named
// with their courtyard: building names repeat across courtyards (every courtyard has a 1幢).
export function scopeBuildings(tree, poll) {
  const inScope = (courtyard, building) => poll.scope_kind === 'community'
    || (poll.scope_kind === 'courtyard' && poll.scope_ids.includes(courtyard.id))
    || (poll.scope_kind === 'buildings' && poll.scope_ids.includes(building.id))
  return (tree?.grids || []).flatMap(g => g.courtyards.flatMap(c =>
    c.buildings.filter(b => inScope(c, b)).map(b => ({ id: b.id, name: `${c.name} ${b.name}` }))))
}

// Electors (GET /polls/{id}/electors) summed by building: `buildingOf` maps an elector's id to its
// building's name (the electorate is frozen at publishing, so the map is made once). Turnout
// only: the API never says how anyone voted.
export function turnoutByBuilding(electors, buildingOf) {
  const rows = new Map()
  for (const elector of electors) {
    const name = buildingOf[elector.id] || '不分楼栋'
    const row = rows.get(name) || { building: name, total: 0, voted: 0, pending: 0 }
    row.total += 1
    if (elector.voted) row.voted += 1
    if (elector.paper_pending) row.pending += 1
    rows.set(name, row)
  }
  return [...rows.values()]
}

export const percent = (part, whole) => (whole ? `${Math.round((part * 1000) / whole) / 10}%` : '—')

// Publish a draft after saying what it means; the published poll, or null if the desk thought
// better of it (the draft stays). A refusal from the server is shown by api.js and thrown.
export async function confirmPublish(poll) {
  const when = new Date(poll.opens_at) > new Date() ? `将于 ${formatTime(poll.opens_at)} 开始投票。` : '现在就开始投票。'
  try {
    await ElMessageBox.confirm(`发布后按现在的住户名单确定投票人并冻结，表决内容不能再改。${when}`, `发布“${poll.title}”`,
      { confirmButtonText: '发布', cancelButtonText: '暂不发布', type: 'warning' })
  } catch {
    return null
  }
  return api.post(`/polls/${poll.id}/publish`)
}
