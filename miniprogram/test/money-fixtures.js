// 社区账本、参与式预算页面测试共用的后端数据（按 issue 21 的接口约定：钱是整数分，住户是 {id, address}），
// 和登录的几种人。fields 覆盖默认值。
const api = require('../utils/api')

const HOUSEHOLD = { id: 9, community_id: 1, community_name: '东海社区', building_id: 3, building_name: '3幢', unit: '1单元', room: '102', is_head: true }
const RESIDENT = { id: 42, name: '宋永华', roles: [{ role: 'resident', scope_id: 9, scope_name: null }], household: HOUSEHOLD }
const HEAD = { id: 5, name: '张大爷', roles: [{ role: 'building_head', scope_id: 3, scope_name: '3幢' }], household: HOUSEHOLD }
const STAFF = { id: 2, name: '王海燕', roles: [{ role: 'staff', scope_id: 1, scope_name: '东海社区' }], household: null }
const SUPERVISOR = { id: 7, name: '刘监督', roles: [{ role: 'supervisor', scope_id: 1, scope_name: '东海社区' }], household: Object.assign({}, HOUSEHOLD, { id: 11 }) }

function login(user) {
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user })
}

function photo(id) {
  return { id, url: `https://yb.example/media/${id}.jpg`, thumbnail_url: `https://yb.example/media/${id}-t.jpg`, width: 800, height: 600 }
}

function fund(id, fields = {}) {
  return Object.assign({
    id, community_id: 1, courtyard_id: null, scope_label: '全社区', name: '院坝自筹基金', description: '每户 100 元，修院坝',
    suggested_fen: 10000, balance_fen: 1234550, in_fen: 1500000, out_fen: 265450, entry_count: 12,
    my_household: { id: 9, address: '3幢1单元102', contributed_fen: 10000, entries: 1 },
    can: { keep: false, view_ledger: false, collect: false, supervise: false },
  }, fields)
}

function entry(id, fields = {}) {
  return Object.assign({
    id, fund_id: 1, seq: id, kind: 'contribution', kind_label: '住户自筹', direction: 'in', amount_fen: 10000, balance_after_fen: 10000 * id,
    occurred_on: '2026-11-03', household: { id: 9, address: '3幢1单元102' }, paid_by: 'cash', counterparty: '', description: '',
    receipt_no: 'No.0012', photo: photo(60 + id), project: null, corrects_id: null, corrected_by: [], effective_fen: 10000, reason: '',
    recorded_by: { id: 5, name: '张大爷' }, recorded_at: '2026-11-03T10:00:00+08:00', acting_label: '由张大爷（楼栋长）代办',
  }, fields)
}

// 公示里的一行（后端的 PublicLine）：除了住户自筹，都是公开的一笔（带照片）；id 只用来给照片编号
function publicLine(id, fields = {}) {
  return Object.assign({
    kind: 'spending', kind_label: '支出', direction: 'out', amount_fen: 265450, occurred_on: '2026-11-20',
    counterparty: '蜀光五金店', description: '院坝地砖', receipt_no: 'FP-2026-88', photo: photo(70 + id), project: { id: 4, title: '院坝铺地砖' },
  }, fields)
}

function statement(id, fields = {}) {
  return Object.assign({
    id, fund: { id: 1, name: '院坝自筹基金' }, kind: 'month', month: '2026-11', project: null,
    opening_fen: 0, in_fen: 1500000, out_fen: 265450, closing_fen: 1234550,
    lines: [
      { kind: 'contribution', kind_label: '住户自筹', direction: 'in', households: 120, amount_fen: 1200000 },
      publicLine(13, { kind: 'grant', kind_label: '拨款', direction: 'in', amount_fen: 300000, counterparty: '街道办', description: '社区微基金', receipt_no: '', photo: null, project: null }),
      publicLine(14),
    ],
    contributions: { households: 120, total_fen: 1200000 },
    digest: 'a3f1c2d4e5b6978812345678deadbeefcafebabe0011223344556677889900aa',
    published_by: { id: 2, name: '王海燕' }, published_at: new Date(Date.now() - 60 * 60 * 1000).toISOString(),
    confirmations: [], confirmed: false, review: 'pending', review_label: '待监委会核实', can: { confirm: false },
  }, fields)
}

function projectBrief(id, fields = {}) {
  return Object.assign({
    id, title: `项目${id}`, location: '', estimate_fen: null, cost_fen: 10000, status: 'accepted', status_label: '列入投票',
    approvals: null, funded_explanation: null,
  }, fields)
}

function round(id, fields = {}) {
  return Object.assign({
    id, community_id: 1, courtyard_id: null, scope_label: '全社区', fund: { id: 1, name: '院坝自筹基金', balance_fen: 1234550 },
    title: '2027 年院坝微更新', description: '拿出 1 万元，大家提、大家选', budget_fen: 100000, rule: 'greedy', rule_label: '按票数依次资助',
    status: 'voting', status_label: '投票中', proposals_until: null, voting_until: '2030-03-20T20:00:00+08:00', voting_opened_at: null,
    closed_at: null, electors: 120, voted: 35, projects: [], my_ballot: null, result: null,
    can: { propose: false, review: false, vote: false, manage: false, close: false },
  }, fields)
}

function project(id, fields = {}) {
  return Object.assign({
    id, round: { id: 3, title: '2027 年院坝微更新', status: 'closed', rule: 'greedy' }, title: '院坝铺地砖', description: '下雨天院坝全是泥',
    location: '3幢前院坝', estimate_fen: 300000, cost_fen: 280000, status: 'funded', status_label: '获资助，实施中',
    proposer: { name: '宋永华' }, matter_id: null, review_reason: '可行', agenda_rule: null, reviewed_at: '2026-10-01T10:00:00+08:00',
    approvals: 80, explanation: '80 户赞成，按赞成户数排第 1，预算够，入选', updates: [], completed_at: null, signed_off_at: null,
    sign_off_note: null, evaluation: null, my_evaluation: null,
    can: { withdraw: false, review: false, update: false, sign_off: false, evaluate: false },
  }, fields)
}

module.exports = { HOUSEHOLD, RESIDENT, HEAD, STAFF, SUPERVISOR, login, photo, fund, entry, publicLine, statement, projectBrief, round, project }
