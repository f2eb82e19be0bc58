// 诉求（三事分流）页面共用的中文名称和小工具。
//
// 诉求详情页显示哪些操作，只看后端在诉求里给的 can（app/matters/access.py 的 flags，和执行操作时的检查是同一套），
// 这里不再照抄后端的状态流转和权限。还照抄后端的只有：每一类事可以交给谁办（交办表单的选项，后端 HANDLERS_BY_CLASS）、
// 评议几星算不满意和退回期限（评议的提示），和谁能进“三事分流”（首页入口、队列读哪个社区）。
// 诉求本身的类别名（category_name）、大事/小事/私事（class_label）由后端给出，这里不再翻译。

const CLASS_LABELS = { major: '大事', minor: '小事', private: '私事' }
const CLASS_HINTS = {
  major: '由政府职能部门办理',
  minor: '居委会和居民一起商量着办',
  private: '自己办，或转介义工队、市场服务',
}
const CLASS_ORDER = ['major', 'minor', 'private']

const HANDLER_LABELS = {
  department: '职能部门',
  committee: '居委会',
  grid_worker: '网格员',
  resident_group: '居民小组',
  resident: '居民自己',
  volunteer_team: '义工队',
  market: '市场服务',
}

// 每一类事可以交给谁办（后端 HANDLERS_BY_CLASS）
const HANDLERS_BY_CLASS = {
  major: ['department'],
  minor: ['committee', 'grid_worker', 'resident_group'],
  private: ['resident', 'volunteer_team', 'market'],
}

// 能进三事分流的角色（后端 Action.TRIAGE_MATTERS；admin 什么都能做）
const TRIAGE_ROLES = ['staff', 'council_member']

// 首页有“我的待办”的角色：会被交办诉求的人（社区工作人员、网格员、部门联络员、义工队负责人）
const WORK_ROLES = ['staff', 'grid_worker', 'department_liaison', 'volunteer_lead']

// 不满意（≤ 2 星）且在办结后 7 天内评议，诉求会退回重新办理（后端 UNSATISFIED、REOPEN_DAYS）
const UNSATISFIED = 2
const REOPEN_DAYS = 7

const HOUSEHOLD_FLAG_LABELS = { elderly_alone: '独居老人', disabled: '残疾', low_income: '低保' }

function classLabel(code) {
  return CLASS_LABELS[code] || ''
}

function handlerLabel(type) {
  return HANDLER_LABELS[type] || type || ''
}

// 承办方：“职能部门：县住建局”“网格员”“居委会”
function handlerText(handler) {
  if (!handler) return ''
  const label = handlerLabel(handler.type)
  if (!handler.name || handler.name === label) return label
  return `${label}：${handler.name}`
}

function roleCodes(user) {
  return ((user && user.roles) || []).map(r => r.role)
}

function hasAnyRole(user, roles) {
  const mine = roleCodes(user)
  return mine.includes('admin') || roles.some(role => mine.includes(role))
}

function canTriage(user) {
  return hasAnyRole(user, TRIAGE_ROLES)
}

function hasWorkList(user) {
  return hasAnyRole(user, WORK_ROLES)
}

// 三事分流看哪个社区：staff / council_member 的 scope 就是社区 id，没有时用自家所在社区
function triageCommunityId(user) {
  const role = ((user && user.roles) || []).find(r => TRIAGE_ROLES.includes(r.role) && r.scope_id)
  if (role) return role.scope_id
  return (user && user.household && user.household.community_id) || null
}

function handlerOptions(matterClass) {
  return (HANDLERS_BY_CLASS[matterClass] || []).map(type => ({ type, label: HANDLER_LABELS[type] }))
}

// 时间线一行的中文说明
function eventText(event) {
  const data = event.data || {}
  switch (event.action) {
    case 'submit':
      return data.on_behalf ? '代为登记诉求' : '提交诉求'
    case 'classify':
      return `分类为“${classLabel(event.matter_class)}”`
    case 'reclassify':
      return data.from_class
        ? `由“${classLabel(data.from_class)}”重新分类为“${classLabel(event.matter_class)}”`
        : `重新分类为“${classLabel(event.matter_class)}”`
    case 'assign':
      return data.handler_type ? `交办给${handlerLabel(data.handler_type)}` : '交办'
    case 'progress':
      return '更新办理进展'
    case 'resolve':
      return '办结'
    case 'accept':
      return data.satisfaction ? `评议：${data.satisfaction} 星` : '评议'
    case 'reopen':
      return data.satisfaction ? `评议 ${data.satisfaction} 星，不满意，重新办理` : '重新办理'
    case 'withdraw':
      return '撤回诉求'
    case 'hold_back': // 系统做的：微信判定文字有风险，后端把诉求退回（原因在 note 里）
      return '内容未通过审核，已退回'
    case 'merge':
      return data.into_id ? `合并到诉求 #${data.into_id}` : '合并'
    case 'comment':
      return '留言'
    default:
      return event.action || ''
  }
}

function stars(n) {
  const count = Math.max(0, Math.min(5, Number(n) || 0))
  return '★★★★★'.slice(0, count) + '☆☆☆☆☆'.slice(0, 5 - count)
}

function flagLabels(flags) {
  if (!flags) return []
  return Object.keys(HOUSEHOLD_FLAG_LABELS).filter(key => flags[key]).map(key => HOUSEHOLD_FLAG_LABELS[key])
}

module.exports = {
  CLASS_LABELS,
  CLASS_HINTS,
  CLASS_ORDER,
  HANDLER_LABELS,
  HANDLERS_BY_CLASS,
  TRIAGE_ROLES,
  UNSATISFIED,
  REOPEN_DAYS,
  classLabel,
  handlerLabel,
  handlerText,
  hasAnyRole,
  canTriage,
  hasWorkList,
  triageCommunityId,
  handlerOptions,
  eventText,
  stars,
  flagLabels,
}
