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

export const percent = (part, whole) => (whole ? `${Math.round((part * 1000) / whole) / 10}%` : '—')

// Who would vote (GET /polls/{id}/electorate), in words: owners are counted by head and by
// floor area (art. 278), households by household, the others by person.
function electorateText(kind, { voters, households, area }) {
  if (kind === 'owners') return `${voters} 位业主（${households} 户），共 ${area} ㎡`
  if (kind === 'households') return `${households} 户`
  return `${voters} 人`
}

// Publish a draft after saying what it means; the published poll, or null if the desk thought
// better of it (the draft stays). A refusal from the server is shown by api.js and thrown.
export async function confirmPublish(poll) {
  const when = new Date(poll.opens_at) > new Date() ? `将于 ${formatTime(poll.opens_at)} 开始投票。` : '现在就开始投票。'
  const electorate = await api.get(`/polls/${poll.id}/electorate`)
  const who = `发布后参加表决的：${electorateText(poll.electorate, electorate)}。${poll.electorate === 'owners' ? ELECTORATE_HELP.owners : ''}`
  try {
    await ElMessageBox.confirm(`${who}发布后按现在的住户名单确定投票人并冻结，表决内容不能再改。${when}`, `发布“${poll.title}”`,
      { confirmButtonText: '发布', cancelButtonText: '暂不发布', type: 'warning' })
  } catch {
    return null
  }
  return api.post(`/polls/${poll.id}/publish`)
}
