// 代办的测试（page-acting*.test.js、household-picker.test.js）共用的：住户、登录、在选户组件里点一户。
const { until } = require('./wx-mock')
const { tap } = require('./page-helper')
const api = require('../utils/api')

const OWN = { id: 9, community_id: 1, community_name: '东海社区', building_id: 3, building_name: '3幢', unit: '1单元', room: '302', is_head: true }
const BHEAD = { id: 5, name: '张大爷', roles: [{ role: 'building_head', scope_id: 3, scope_name: '海滨新村3幢' }], household: OWN }
const RESIDENT = { id: 42, name: '宋永华', roles: [{ role: 'resident', scope_id: 2, scope_name: null }], household: OWN }

// GET /buildings/{id}/households 里的一户
function household(id, fields = {}) {
  return Object.assign({
    id, community_id: 1, building_id: 3, building_name: '3幢', unit: '1单元', room: `${id}01`, floor_area: 80,
    head_name: null, head_phone: null, elderly_alone: false, disabled: false, low_income: false, owner_ref: null,
    developer_held: false, members: [], can_designate_voter: false, can_issue_join_codes: true,
  }, fields)
}

function signIn(user) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
}

// 选户：等组件列出这户，点它
async function pickHousehold(page, pickerId, id) {
  await until(() => page.querySelector(`#${pickerId}`) && page.querySelector(`#${pickerId}`).querySelector(`#picker-household-${id}`))
  await tap(page.querySelector(`#${pickerId}`), `#picker-household-${id}`)
}

module.exports = { OWN, BHEAD, RESIDENT, household, signIn, pickHousehold }
