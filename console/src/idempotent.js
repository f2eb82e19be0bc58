// POST operations whose OpenAPI entry takes an Idempotency-Key (app/idempotency.py): src/api.js
// sends one with each. Its own module (no imports) so the contract test, under plain node, can
// read it and keep it equal to the document's.
export const IDEMPOTENT_POSTS = [
  '/households/help', '/households/join', '/matters', '/matters/{}/class-votes', '/matters/{}/comments',
  '/matters/{}/evaluate', '/matters/{}/progress', '/matters/{}/resolve', '/meetings', '/meetings/{}/minutes',
  '/meetings/{}/resend', '/notifications/consents', '/photos', '/polls', '/polls/{}/ballots',
  '/polls/{}/objections', '/polls/{}/paper-ballots', '/voice-notes',
  // community money (issue 21)
  '/communities/{}/funds', '/funds/{}/entries', '/fund-entries/{}/corrections', '/funds/{}/statements',
  '/communities/{}/agenda-rules', '/communities/{}/budget-rounds', '/budget-rounds/{}/ballot', '/budget-rounds/{}/projects',
  '/budget-projects/{}/updates', '/budget-projects/{}/evaluations',
]
