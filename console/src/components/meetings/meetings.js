// Codes the meeting answers send bare.
export const REPLY_LABELS = { attend: '参加', maybe: '待定', decline: '不参加' }

// "1幢 1单元 101" for an invitation or an unanswered household
export const addressOf = row => [row.courtyard_name, row.building_name, row.unit, row.room].filter(Boolean).join(' ')
