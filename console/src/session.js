// Who is signed in, and which community the desk is working on. The token lives in
// sessionStorage: it goes with the browser tab, so a shared desk PC forgets it when the tab closes.
import { reactive } from 'vue'

const TOKEN = 'yuanba.console.token'
const COMMUNITY = 'yuanba.console.community'

// Roles whose scope is a community (README, Commands: grant-role); others are over a grid,
// a building, a department or a team, and count in whichever community the desk picked.
const COMMUNITY_ROLES = ['staff', 'council_member', 'owners_committee', 'supervisor']

export const session = reactive({
  token: sessionStorage.getItem(TOKEN) || '',
  user: null,
  communities: [],
  communityId: Number(sessionStorage.getItem(COMMUNITY)) || null,
})

export function signedIn(token, user) {
  session.token = token
  session.user = user
  sessionStorage.setItem(TOKEN, token)
}

export function signedOut() {
  session.token = ''
  session.user = null
  session.communities = []
  sessionStorage.removeItem(TOKEN)
}

export function chooseCommunity(id) {
  session.communityId = id
  sessionStorage.setItem(COMMUNITY, String(id))
}

// Does the signed-in user hold one of `roles` in the chosen community? (admin holds every role)
export function holds(roles) {
  return (session.user?.roles || []).some(r =>
    r.role === 'admin' ||
    (roles.includes(r.role) && (!COMMUNITY_ROLES.includes(r.role) || r.scope_id === session.communityId)))
}
