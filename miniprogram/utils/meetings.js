// 会议（院坝会、楼栋会、议事会、联席会议、评议会）页面共用的中文名称和小工具。
//
// 会议详情页显示哪些操作，只看后端在会议里给的 can（app/meetings/access.py 的 actions，和执行操作时的检查是同一套）。
// 这里还照抄后端的只有谁能召集会议、召集什么会（app/auth/permissions.py），用来显示“召集会议”和召集页的选项；
// 真正说了算的是后端：不允许的操作回 403/409，api.js 弹出后端给的中文说明。
// 后端的 Meeting 只给代码（kind、stage、status、my_reply），中文名在这里翻译。
const { formatHouseAddress } = require('./format')

const KIND_LABELS = {
  courtyard: '院坝会',
  building: '楼栋会',
  council: '议事会',
  joint: '联席会议',
  evaluation: '评议会',
}
const KIND_ORDER = ['courtyard', 'building', 'council', 'joint', 'evaluation']
// 楼栋长能召集的会（议事会、联席会议的范围是议事会成员、职能部门，只有社区工作人员能召集）
const BUILDING_HEAD_KINDS = ['building', 'courtyard', 'evaluation']

// “四会”的阶段：意见征集 → 议题讨论 → 决策 → 评议
const STAGE_LABELS = {
  opinion: '意见征集',
  discussion: '议题讨论',
  decision: '决策',
  evaluation: '评议',
}
const STAGE_ORDER = ['opinion', 'discussion', 'decision', 'evaluation']

const REPLY_LABELS = { attend: '参加', maybe: '可能参加', decline: '不参加' }
const REPLY_ORDER = ['attend', 'maybe', 'decline']
const MAX_PEOPLE = 20 // 后端 Reply.people 最多 20

const SCOPE_LABELS = {
  buildings: '楼栋',
  courtyard: '院落',
  community: '全社区',
  council: '议事会成员',
  departments: '职能部门',
}

// 签到码每 10 分钟换一次，后端认当前和上一个；页面每 5 分钟重新取一次
const CODE_REFRESH_MS = 5 * 60 * 1000

function kindLabel(kind) {
  return KIND_LABELS[kind] || '会议'
}

function stageLabel(stage) {
  return STAGE_LABELS[stage] || ''
}

function startTime(meeting) {
  return Date.parse((meeting && meeting.starts_at) || '')
}

function hasStarted(meeting, now = Date.now()) {
  const start = startTime(meeting)
  return !Number.isNaN(start) && now >= start
}

// 列表和详情上的状态文字
function statusLabel(meeting, now = Date.now()) {
  switch (meeting && meeting.status) {
    case 'draft':
      return '草稿，还没通知'
    case 'published':
      return hasStarted(meeting, now) ? '已开始' : '待召开'
    case 'cancelled':
      return '已取消'
    case 'closed':
      return '已结束'
    default:
      return ''
  }
}

// 后端给的 present 是 null 表示“我家不在邀请范围内”（组织者、社区工作人员看别人的会）
function isInvited(meeting) {
  return Boolean(meeting) && meeting.present !== null && meeting.present !== undefined
}

// “我家：参加（2人）”“还没回复”……不在邀请范围内时是空串
function myReplyText(meeting) {
  if (!isInvited(meeting)) return ''
  if (meeting.present) return '已签到'
  switch (meeting.my_reply) {
    case 'attend':
      return `参加（${meeting.my_people || 1}人）`
    case 'maybe':
      return '可能参加'
    case 'decline':
      return '不参加'
    default:
      return '还没回复'
  }
}

function roles(user) {
  return (user && user.roles) || []
}

function hasRole(user, role) {
  return roles(user).some(r => r.role === role)
}

// 能召集会议：楼栋长（给自己负责的楼栋）、社区工作人员（后端 Action.ORGANIZE_MEETINGS）
function canCallMeetings(user) {
  return hasRole(user, 'staff') || hasRole(user, 'building_head')
}

// 楼栋长负责的楼栋：[{id, name}]
function headedBuildings(user) {
  const seen = new Set()
  return roles(user)
    .filter(r => r.role === 'building_head' && r.scope_id != null)
    .filter(r => (seen.has(r.scope_id) ? false : seen.add(r.scope_id)))
    .map(r => ({ id: r.scope_id, name: r.scope_name || `${r.scope_id}号楼` }))
}

// 召集会议用哪个社区：社区工作人员用工作的社区（staff 角色的 scope），否则用自家所在社区
function organizerCommunityId(user) {
  const staff = roles(user).find(r => r.role === 'staff' && r.scope_id != null)
  if (staff) return staff.scope_id
  return (user && user.household && user.household.community_id) || null
}

// 议程里的诉求编号：“12 15”“12，15”“#12、#15” → [12, 15]；有不是正整数的返回 null
function parseMatterIds(text) {
  const parts = String(text || '')
    .split(/[\s,，、;；#]+/)
    .filter(Boolean)
  const ids = parts.map(p => Number(p))
  if (ids.some(id => !Number.isInteger(id) || id <= 0)) return null
  return Array.from(new Set(ids))
}

// 住户：“3幢 2单元 501室 张三”
function householdText(h) {
  return [formatHouseAddress(h), (h && h.head_name) || ''].filter(Boolean).join(' ')
}

module.exports = {
  KIND_LABELS,
  KIND_ORDER,
  BUILDING_HEAD_KINDS,
  STAGE_LABELS,
  STAGE_ORDER,
  REPLY_LABELS,
  REPLY_ORDER,
  MAX_PEOPLE,
  SCOPE_LABELS,
  CODE_REFRESH_MS,
  kindLabel,
  stageLabel,
  hasStarted,
  statusLabel,
  isInvited,
  myReplyText,
  canCallMeetings,
  headedBuildings,
  organizerCommunityId,
  parseMatterIds,
  householdText,
}
