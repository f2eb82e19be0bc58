// Signing in and out, and what the layout needs to know about the signed-in person.
import { allPages, api } from './api'
import { chooseCommunity, session, signedIn, signedOut } from './session'

// After a sign-in (development login or scan) or on reload with a kept token.
export async function loadAccount() {
  session.user = await api.get('/me')
  session.communities = await allPages(cursor => api.get('/communities', { cursor, limit: 100 }))
  if (!session.communities.some(c => c.id === session.communityId) && session.communities.length) {
    chooseCommunity(session.communities[0].id)
  }
}

export async function startSession({ token, user }) {
  signedIn(token, user)
  await loadAccount()
}

// everywhere: every sign-in of mine ends (phones too), e.g. after a scan that was not mine;
// everywhere fails loudly and keeps this desk signed in, so nobody believes a lost phone is out
export async function signOut(everywhere = false) {
  if (everywhere) await api.post('/auth/logout-everywhere')
  else await api.post('/auth/logout', undefined, { silent: true }).catch(() => null)
  signedOut()
}
