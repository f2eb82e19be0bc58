// 参与式预算的投票表：本户投票（pages/budget/round）和替住户录入（pages/budget/enter）共用同一套勾选和合计，
// 两处的“放不下就勾不上”才一样。钱是整数分，写成元用 utils/format.js。
const api = require('./api')
const { yuanText } = require('./format')

// 投票时能勾的项目：通过审议、算好了钱的
function votable(round) {
  return ((round && round.projects) || []).filter(p => p.status === 'accepted' && p.cost_fen > 0)
}

// 投票表：每个可以投的项目勾没勾、能不能勾、为什么不能。合计永远不超过预算：
// 没勾的项目加上去会超过预算，就不能勾。
function ballotView(projects, selected, budgetFen) {
  const total = projects.filter(p => selected.includes(p.id)).reduce((sum, p) => sum + p.cost_fen, 0)
  const remaining = budgetFen - total
  const items = projects.map(p => {
    const on = selected.includes(p.id)
    const fits = on || p.cost_fen <= remaining
    let reason = ''
    if (!fits) {
      reason = p.cost_fen > budgetFen
        ? `这个项目 ${yuanText(p.cost_fen)}，超过了整个预算，选不了`
        : `还剩 ${yuanText(remaining)}，放不下这个项目（${yuanText(p.cost_fen)}）；要选它，先去掉别的`
    }
    return { id: p.id, title: p.title, location: p.location || '', costText: yuanText(p.cost_fen), on, disabled: !fits, reason }
  })
  return {
    items,
    totalFen: total,
    summary: `已选 ${yuanText(total)} / 预算 ${yuanText(budgetFen)}，还剩 ${yuanText(remaining)}`,
  }
}

// 点了投票表（ballotView 的结果）里的一个项目：勾着的去掉；没勾的放得下就勾上，放不下的不勾，error 写为什么。
// 返回 { selected, error }
function toggleChoice(view, selected, id) {
  if (selected.includes(id)) return { selected: selected.filter(x => x !== id), error: '' }
  const item = view.items.find(i => i.id === id)
  if (!item) return { selected, error: '' }
  if (item.disabled) return { selected, error: item.reason }
  return { selected: selected.concat([id]), error: '' }
}

// 勾了的项目：发给后端的 project_ids（排好序，选择没变幂等键就不变）和确认框里念的一行行“1. 名称（多少元）”
function chosen(view) {
  const items = view.items.filter(i => i.on)
  return {
    ids: items.map(i => i.id).sort((a, b) => a - b),
    lines: items.map((i, n) => `${n + 1}. ${i.title}（${i.costText}）`),
  }
}

// 交一张投票（本户自己投、替住户录入都走这里）：选择没变就是同一个幂等键（api.keyForBody），网络断了自动重试、
// 再点一次，后端记的都是这一票。后端不收时把说明写在按钮上面；reloadOn 里的状态（投票结束了、这户刚刚自己投了……）
// 重新读取页面，显示现在的样子，说明留着。成功返回后端的回答（勾选清空，下一票用新键），不成功返回 null。
async function sendBallot(page, body, { busy, fallback, reloadOn }) {
  const key = api.keyForBody(page, body)
  page.setData({ busy, formError: '' })
  try {
    const r = await api.post(`/budget-rounds/${page.data.id}/ballot`, body, { idempotencyKey: key })
    page._key = null
    page._keySig = null
    page._selected = []
    return r
  } catch (err) {
    const message = err.message || fallback
    page.setData({ busy: '', formError: message })
    if (reloadOn.includes(err.status)) {
      await page.load()
      page.setData({ formError: message })
    }
    return null
  }
}

module.exports = { votable, ballotView, toggleChoice, chosen, sendBallot }
