// Chinese names of the codes the API sends without a label (the stats' keys, handler types,
// household flags). Matters themselves come with status_label, class_label and category_name.
export const CLASS_LABELS = { major: '大事', minor: '小事', private: '私事', unclassified: '未分类' }
export const CLASS_KEYS = ['major', 'minor', 'private'] // keys 1, 2, 3 on the council board

// app/matters/models.py STATUS_LABELS
export const STATUS_LABELS = {
  submitted: '待分类', triaged: '已分类', assigned: '已交办', in_progress: '办理中',
  resolved: '已办结', closed: '已评议', withdrawn: '已撤回', merged: '已合并',
}

export const HANDLER_LABELS = {
  department: '职能部门', committee: '居委会', grid_worker: '网格员', resident_group: '居民小组',
  resident: '居民自己', volunteer_team: '义工队', market: '市场服务',
}

// Which handlers fit each class (app/matters/models.py HANDLERS_BY_CLASS): the assign form's choices.
export const HANDLERS_BY_CLASS = {
  major: ['department'],
  minor: ['committee', 'grid_worker', 'resident_group'],
  private: ['resident', 'volunteer_team', 'market'],
}

export const FLAG_LABELS = { elderly_alone: '独居老人', disabled: '残疾', low_income: '低保' }

export function flagList(flags) {
  return Object.keys(FLAG_LABELS).filter(key => flags?.[key]).map(key => FLAG_LABELS[key])
}

export function handlerText(handler) {
  if (!handler) return ''
  const label = HANDLER_LABELS[handler.type] || handler.type
  return handler.name && handler.name !== label ? `${label}：${handler.name}` : label
}

// A person as the desk names them: name and user number (the number is what the API takes)
export function personName(name, userId) {
  return `${name || '未填姓名'}（#${userId}）`
}

const TIME = new Intl.DateTimeFormat('zh-CN', {
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
})

export function formatTime(iso) {
  return iso ? TIME.format(new Date(iso)) : ''
}

// A matter's status in words, marked while WeChat's check keeps it from others (text_check_label:
// 内容审核中, 未通过内容审核; only the household and staff see such a matter): 待分类（内容审核中）
export function statusText(matter) {
  return matter.text_check_label ? `${matter.status_label}（${matter.text_check_label}）` : matter.status_label
}

// One line of a matter's timeline, as the mini-program words it (miniprogram/utils/matters.js).
export function eventText(event) {
  const data = event.data || {}
  const cls = code => CLASS_LABELS[code] || ''
  switch (event.action) {
    case 'submit': return data.on_behalf ? '代为登记诉求' : '提交诉求'
    case 'classify':
      return data.by_vote ? `议事会表决，分类为“${cls(event.matter_class)}”` : `分类为“${cls(event.matter_class)}”`
    case 'reclassify':
      return data.from_class ? `由“${cls(data.from_class)}”重新分类为“${cls(event.matter_class)}”` : `重新分类为“${cls(event.matter_class)}”`
    case 'assign': return data.handler_type ? `交办给${HANDLER_LABELS[data.handler_type] || data.handler_type}` : '交办'
    case 'progress': return '更新办理进展'
    case 'resolve': return '办结'
    case 'accept': return data.satisfaction ? `评议：${data.satisfaction} 星` : '评议'
    case 'reopen': return data.satisfaction ? `评议 ${data.satisfaction} 星，不满意，重新办理` : '重新办理'
    case 'withdraw': return '撤回诉求'
    case 'hold_back': return '内容未通过审核，已退回' // WeChat found the text risky: withdrawn, no actor
    case 'merge': return data.into_id ? `合并到诉求 #${data.into_id}` : '合并'
    case 'escalate': return '上报街道'
    case 'overdue': return '已超过办理期限'
    case 'comment': return '留言'
    default: return event.action || ''
  }
}
