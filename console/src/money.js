// Money at the desk. The API speaks whole fen (分, 100 = 1 元) and never floats; the desk reads
// and types 元. yuan() is the one way an amount is shown, fenOf() the one way a typed one is sent.
const YUAN = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

// 123456 → "1,234.56 元"; signed: true writes + for money in (− is always written)
export function yuan(fen, { signed = false } = {}) {
  if (fen === null || fen === undefined) return '—'
  const sign = fen < 0 ? '−' : signed && fen > 0 ? '+' : ''
  return `${sign}${YUAN.format(Math.abs(fen) / 100)} 元`
}

// 元 as typed in an el-input-number (two places) → fen; nothing typed → null
export function fenOf(amount) {
  return amount === null || amount === undefined || amount === '' ? null : Math.round(Number(amount) * 100)
}

// fen → 元 for an el-input-number's starting value
export const yuanOf = fen => (fen === null || fen === undefined ? null : fen / 100)

// app/funds/models.py PaidBy
export const PAID_BY_LABELS = { cash: '现金', transfer: '转账', other: '其他' }

// YYYY-MM of a Date in local time (the API's months are the community's days)
export const monthOf = date => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`

// the month just over (a month statement is published once its month is over)
export const lastMonth = (today = new Date()) => monthOf(new Date(today.getFullYear(), today.getMonth() - 1, 1))
