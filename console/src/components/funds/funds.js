import { allPages, api } from '../../api'

// How a statement's check by the supervisors (its `review`) is tagged: a query stands out.
export const REVIEW_TAG = { pending: 'info', confirmed: 'success', queried: 'danger' }

// The projects a fund pays for: those of its closed budget rounds whose status is one of
// `statuses` (spending goes to a funded or completed project; a project's statement comes once
// it is completed, or signed off), each with its round's title: the fund's closed rounds are read
// for their projects (a community has a handful).
export async function fundProjects(fund, statuses) {
  const rounds = await allPages(cursor => api.get(`/communities/${fund.community_id}/budget-rounds`, { cursor, limit: 100 }))
  const closed = await Promise.all(rounds.filter(r => r.status === 'closed' && r.fund_id === fund.id)
    .map(r => api.get(`/budget-rounds/${r.id}`)))
  return closed.flatMap(r =>
    r.projects.filter(p => statuses.includes(p.status)).map(p => ({ ...p, round_title: r.title })))
}

// The buildings of a fund's scope, from the community's tree (GET /communities/{id}), each
// named with its courtyard (every courtyard has a 1幢).
export function scopeBuildings(tree, fund) {
  return (tree?.grids || []).flatMap(g => g.courtyards)
    .filter(c => !fund.courtyard_id || c.id === fund.courtyard_id)
    .flatMap(c => c.buildings.map(b => ({ id: b.id, label: `${c.name} ${b.name}` })))
}
