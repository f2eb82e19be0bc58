// The console's pages. To add one: write src/pages/YourPage.vue and add a line to PAGES —
// the menu, the role check and the code-split chunk follow from it. `roles` are those the
// backend lets do the page's main act (app/auth/permissions.py); the server still decides.
import { createRouter, createWebHistory } from 'vue-router'
import { loadAccount } from './account'
import { holds, session } from './session'

export const PAGES = [
  { path: 'triage', title: '分流会', roles: ['staff', 'council_member'], component: () => import('./pages/TriageBoard.vue') },
  { path: 'matters', title: '诉求', roles: ['staff', 'council_member', 'grid_worker', 'department_liaison', 'volunteer_lead'],
    component: () => import('./pages/MattersTable.vue') },
  { path: 'figures', title: '数据', roles: ['staff', 'council_member'], component: () => import('./pages/FiguresPage.vue') },
  { path: 'polls', title: '表决', roles: ['staff', 'owners_committee', 'supervisor'], component: () => import('./pages/PollsPage.vue') },
  { path: 'meetings', title: '会议', roles: ['staff', 'building_head'], component: () => import('./pages/MeetingsPage.vue') },
  // community money (issue 21): VIEW_LEDGER / KEEP_ACCOUNTS / SUPERVISE_FUNDS; MANAGE_BUDGETS, REVIEW_PROPOSALS, CARRY_OUT_PROJECTS
  { path: 'funds', title: '账目', roles: ['staff', 'owners_committee', 'supervisor'], component: () => import('./pages/FundsPage.vue') },
  { path: 'budgets', title: '参与式预算', roles: ['staff', 'council_member', 'owners_committee', 'supervisor'],
    component: () => import('./pages/BudgetsPage.vue') },
  { path: 'community', title: '住户与花名册', roles: ['staff'], component: () => import('./pages/CommunityPage.vue') },
  { path: 'audit', title: '审计', roles: ['staff', 'supervisor'], component: () => import('./pages/AuditPage.vue') },
]

export function allowedPages() {
  return PAGES.filter(page => holds(page.roles))
}

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/sign-in', name: 'sign-in', component: () => import('./pages/SignIn.vue'), meta: { public: true, title: '登录' } },
    {
      path: '/',
      component: () => import('./components/ConsoleLayout.vue'),
      children: [
        { path: '', name: 'home', component: () => import('./pages/NoPages.vue'), meta: { title: '社区工作台' } },
        ...PAGES.map(page => ({
          path: page.path, name: page.path, component: page.component, meta: { title: page.title, roles: page.roles },
        })),
      ],
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async to => {
  if (to.meta.public) return true
  if (!session.token) return { name: 'sign-in', query: { next: to.fullPath } }
  if (!session.user) {
    try {
      await loadAccount()
    } catch {
      return { name: 'sign-in', query: { next: to.fullPath } }
    }
  }
  const first = allowedPages()[0]
  if (to.name === 'home' && first) return { name: first.path }
  if (to.meta.roles && !holds(to.meta.roles)) return { name: 'home' }
  return true
})

router.afterEach(to => {
  document.title = `${to.meta.title || '社区工作台'} · 院坝社区工作台`
})
