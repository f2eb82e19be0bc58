// 住户页（楼栋长、网格员、社区工作人员照看住户）和“我的信息”（户主看自家）共用的小工具：
// 谁能进、能选哪些楼栋、一户的成员、指定投票人；一户的设置页（家人代办、短信通知）怎么打开。
// 楼栋从 /me 的角色来：楼栋长是 building_head 角色的楼栋；网格员是 grid_worker 角色的网格里的楼栋、
// 社区工作人员是 staff 角色的社区里的楼栋（从 GET /communities/{id} 的树里找）。
const api = require('./api')
const auth = require('./auth')
const detailPage = require('./detail-page')
const matters = require('./matters')

// 后端 Action.VIEW_HOUSEHOLDS、ISSUE_JOIN_CODES 都给这几个角色
const HOUSEHOLD_ROLES = ['building_head', 'grid_worker', 'staff']

function canLookAfter(user) {
  return matters.hasAnyRole(user, HOUSEHOLD_ROLES)
}

function rolesOf(user, role) {
  return ((user && user.roles) || []).filter(r => r.role === role && r.scope_id)
}

// 要读哪个社区的树：staff 的社区，否则自家住户的社区（网格员一般住在本社区）
function communityIdFor(user) {
  const staff = rolesOf(user, 'staff')[0]
  if (staff) return staff.scope_id
  if (!rolesOf(user, 'grid_worker').length) return null
  return (user.household && user.household.community_id) || null
}

// 能选的楼栋 [{id, name}]：楼栋长的楼栋在前，再加树里网格员的网格、工作人员的社区的楼栋（去重）
function buildingChoices(user, tree) {
  const choices = rolesOf(user, 'building_head').map(r => ({ id: r.scope_id, name: r.scope_name || `楼栋 ${r.scope_id}` }))
  const staff = rolesOf(user, 'staff').some(r => tree && r.scope_id === tree.id)
  const grids = rolesOf(user, 'grid_worker').map(r => r.scope_id)
  for (const grid of (tree && tree.grids) || []) {
    if (!staff && !grids.includes(grid.id)) continue
    for (const courtyard of grid.courtyards || []) {
      for (const building of courtyard.buildings || []) {
        if (!choices.some(c => c.id === building.id)) choices.push({ id: building.id, name: `${courtyard.name}${building.name}` })
      }
    }
  }
  return choices
}

// 我照看的楼栋（“住户”页和代办选户共用）：{ user, buildings }，网格员、社区工作人员的要读社区的树
async function lookAfterBuildings() {
  const user = await auth.currentUser('roles')
  const communityId = communityIdFor(user)
  const tree = communityId ? await api.get(`/communities/${communityId}`, undefined, { silent: true }) : null
  return { user, buildings: buildingChoices(user, tree) }
}

// 后端 Household 的成员 → 页面用的 [{userId, name, isHead, isVoter}]
function memberItems(h) {
  return ((h && h.members) || []).map(m => ({
    userId: m.user_id,
    name: m.name || `用户 ${m.user_id}`,
    isHead: m.is_head,
    isVoter: m.is_voter,
  }))
}

// 指定投票人：点的是成员（data-user 是 user_id）或“户主投票”（data-user 为空，发 null）。
// 返回后端答的 Household。
function designateVoter(householdId, dataset) {
  const raw = dataset && dataset.user
  return api.put(`/households/${householdId}/voter`, { user_id: raw ? Number(raw) : null })
}

// 家人代办（子女代办）能替这户做的事：后端 HelperRight 的代码 → 名称和一句白话说明。
// 投票不在里面：代办人不能替家里投票。
const HELPER_RIGHTS = [
  { code: 'report_and_follow', label: '反映问题并跟进', explain: '替家里反映问题，看办理进度、留言、办结后评议。' },
  { code: 'reply_meetings', label: '替家里回复开会', explain: '收到开会通知后，替家里回复参加还是不参加、来几个人。' },
  { code: 'receive_notices', label: '收到通知', explain: '家里收到的开会、投票、诉求进展的通知，也发给他一份。' },
]

// 我代办（家人代办）、有 right 这项权利的人家（/me 的 helping），给代办选户用：[{id, communityId, address, headName, helper}]。
function helpedFor(user, right) {
  return ((user && user.helping) || [])
    .filter(h => right && (h.rights || []).includes(right))
    .map(h => ({ id: h.household_id, communityId: h.community_id, address: h.address, headName: '', helper: true }))
}

// 能不能替别的人家办这件事（要 right 这项家人代办的权利）：照看住户的，或者替哪家有这项权利的家人代办
function canActFor(user, right) {
  return canLookAfter(user) || helpedFor(user, right).length > 0
}

// 选中的一户（选户组件给的、或页面自己列出的 {address, headName}）写成一行：地址（户主）
function pickedText(h) {
  return h.headName ? `${h.address}（${h.headName}）` : h.address
}

// 一户的设置页（pages/helpers 家人代办、pages/sms 短信通知）的地址，从“住户”页或“我的信息”打开：
// ?household=ID&address=…
function householdPageUrl(page, h) {
  return `/pages/${page}/${page}?household=${h.id}&address=${encodeURIComponent(h.address)}`
}

// 设置页进页面：没登录去登录；编号不对写在页面上；否则记下这户（householdId、address，不是自己家的 official）
// 再 load()。official 只决定要不要问同意的凭据，能不能做由后端判断。
function openHouseholdPage(page, query, load) {
  const householdId = detailPage.queryId(page, query, '住户编号不对', { key: 'household' })
  if (!householdId) return Promise.resolve()
  const user = api.getUser()
  const own = Boolean(user && user.household && user.household.id === householdId)
  page.setData({ householdId, official: !own, address: decodeURIComponent((query && query.address) || '') })
  return load.call(page)
}

// 入户码、代办码分两段好念：ABCD EFGH
function spacedCode(code) {
  return `${code.slice(0, 4)} ${code.slice(4)}`
}

// ['report_and_follow', …] → “反映问题并跟进、收到通知”
function rightsText(rights) {
  return HELPER_RIGHTS.filter(r => (rights || []).includes(r.code)).map(r => r.label).join('、')
}

module.exports = {
  HOUSEHOLD_ROLES, HELPER_RIGHTS, canLookAfter, lookAfterBuildings, memberItems, designateVoter, helpedFor, canActFor, pickedText,
  rightsText, spacedCode, householdPageUrl, openHouseholdPage,
}
