// 社区账本、参与式预算页面共用的小工具（pages/money/*、pages/budget/*）。
// 钱一律是后端给的整数分，写成元用 utils/format.js 的 yuan / yuanText / signedYuanText / fenFromYuan。
// 谁能做什么（收款、核实账目、投票、验收、评议……）只看后端给的 can，这里不按角色猜。
const upload = require('./upload')
const { signedYuanText, dateText } = require('./format')

const PAID_BY_LABELS = { cash: '现金', transfer: '转账', other: '其他' }

// 读哪个社区的账本：社区工作人员、议事会、业委会、监委会用角色的社区，否则用自家所在社区；都没有时 null
const COMMUNITY_ROLES = ['staff', 'council_member', 'owners_committee', 'supervisor']

function officialCommunityId(user) {
  const role = ((user && user.roles) || []).find(r => COMMUNITY_ROLES.includes(r.role) && r.scope_id != null)
  return role ? role.scope_id : null
}

function communityId(user) {
  return officialCommunityId(user) || (user && user.household && user.household.community_id) || null
}

// 公开的一笔（公示的账目、项目的花费，后端的 PublicLine）→ 页面上的一行。进账写 +，出账写 −。
// 住户自筹在公示里只有一行合计（几户、共多少），不写是哪几户：这里也不读 household。
// 更正、超出预算的支出带着后端的 reason（为什么）。
function lineView(line, index) {
  const out = line.direction === 'out'
  const contribution = line.kind === 'contribution' && line.households !== undefined
  const detail = contribution
    ? `${line.households} 户`
    : [line.counterparty, line.description, line.receipt_no ? `票据号 ${line.receipt_no}` : '']
      .concat(line.project ? [`项目：${line.project.title}`] : [], line.reason ? [`说明：${line.reason}`] : [])
      .filter(Boolean)
      .join(' · ')
  return {
    key: `line-${index}`,
    kindLabel: line.kind_label || '',
    amountText: signedYuanText(out ? -line.amount_fen : line.amount_fen),
    inflow: !out,
    detail,
    dateText: contribution ? '' : dateText(line.occurred_on),
    photo: contribution ? null : upload.photoView(line.photo),
  }
}

// 点缩略图看大图：同一组的照片一起翻
function previewPhoto(urls, current) {
  if (current) wx.previewImage({ urls: urls.filter(Boolean), current })
}

module.exports = { PAID_BY_LABELS, officialCommunityId, communityId, lineView, previewPhoto }
