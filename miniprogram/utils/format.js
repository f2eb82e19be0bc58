// 把后端返回的数据整理成页面上好读的中文（角色、地址、时间、日期、钱）。

const ROLE_NAMES = {
  admin: '系统管理员',
  staff: '社区工作人员',
  grid_worker: '网格员',
  building_head: '楼栋长',
  council_member: '议事会成员',
  owners_committee: '业委会成员',
  supervisor: '监委会成员',
  department_liaison: '职能部门联络员',
  volunteer_lead: '义工队负责人',
  resident: '居民',
}

function roleName(code) {
  return ROLE_NAMES[code] || code
}

// roles: [{role, scope_id, scope_name}] → [{key, text}]，例如 “楼栋长（3栋）”
function formatRoles(roles) {
  return (roles || []).map((r, index) => ({
    key: `${r.role}-${r.scope_id === undefined || r.scope_id === null ? '' : r.scope_id}-${index}`,
    text: r.scope_name ? `${roleName(r.role)}（${r.scope_name}）` : roleName(r.role),
  }))
}

function withSuffix(value, suffix) {
  if (value === undefined || value === null || value === '') return ''
  const text = String(value).trim()
  return text.endsWith(suffix) ? text : text + suffix
}

// household → “3栋 2单元 501室”（单元、室已带后缀时不重复添加）
function formatHouseAddress(household) {
  if (!household) return ''
  return [household.courtyard_name || '', household.building_name || '', withSuffix(household.unit, '单元'),
    withSuffix(household.room, '室')]
    .filter(Boolean)
    .join(' ')
}

// 入户码：全角字母数字转半角（中文输入法常见），去掉空格和连字符，转大写
function normalizeJoinCode(raw) {
  return String(raw || '')
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, ch => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s\-\uFF0D]+/g, '')
    .toUpperCase()
}

function isValidJoinCode(code) {
  return /^[A-Z0-9]{8}$/.test(code)
}

function pad2(n) {
  return n < 10 ? `0${n}` : String(n)
}

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime()
}

// 消息时间（ISO 字符串）→ 手机本地时间的相对说法：
// 刚刚 / 5分钟前 / 3小时前（今天）/ 昨天 08:30 / 3月5日 / 2029年12月31日
function formatRelativeTime(iso, now = Date.now()) {
  const time = Date.parse(iso || '')
  if (Number.isNaN(time)) return ''
  const diff = now - time
  if (diff < 60 * 1000) return '刚刚' // 手机时钟略快于服务器时也算“刚刚”
  if (diff < 60 * 60 * 1000) return `${Math.floor(diff / 60000)}分钟前`
  const date = new Date(time)
  const today = startOfDay(new Date(now))
  if (time >= today) return `${Math.floor(diff / 3600000)}小时前`
  if (time >= startOfDay(new Date(today - 1))) {
    return `昨天 ${pad2(date.getHours())}:${pad2(date.getMinutes())}`
  }
  if (date.getFullYear() === new Date(now).getFullYear()) return `${date.getMonth() + 1}月${date.getDate()}日`
  return `${date.getFullYear()}年${date.getMonth() + 1}月${date.getDate()}日`
}

// ---------- 会议时间：一律按北京时间（UTC+8），不管手机设的是哪个时区 ----------

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

// 某一时刻在北京时间的年月日、时分、星期几
function beijingParts(time) {
  const d = new Date(time + BEIJING_OFFSET_MS)
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    weekday: d.getUTCDay(),
  }
}

function dayNumber(p) {
  return Date.UTC(p.year, p.month - 1, p.day) / (24 * 60 * 60 * 1000)
}

// 会议时间（ISO 字符串）→ “今天 15:00”“明天 09:30”“12月5日 星期四 15:00”“2031年1月3日 星期五 09:00”；
// 给了同一天的结束时间时写成“今天 15:00–16:30”
function formatMeetingTime(startIso, now = Date.now(), endIso) {
  const start = Date.parse(startIso || '')
  if (Number.isNaN(start)) return ''
  const p = beijingParts(start)
  const today = beijingParts(now)
  const diff = dayNumber(p) - dayNumber(today)
  const hm = `${pad2(p.hour)}:${pad2(p.minute)}`
  let day
  if (diff === 0) day = '今天'
  else if (diff === 1) day = '明天'
  else if (diff === -1) day = '昨天'
  else if (p.year === today.year) day = `${p.month}月${p.day}日 星期${WEEKDAYS[p.weekday]}`
  else day = `${p.year}年${p.month}月${p.day}日 星期${WEEKDAYS[p.weekday]}`
  let text = `${day} ${hm}`
  const end = Date.parse(endIso || '')
  if (!Number.isNaN(end) && end > start) {
    const e = beijingParts(end)
    if (dayNumber(e) === dayNumber(p)) text += `–${pad2(e.hour)}:${pad2(e.minute)}`
  }
  return text
}

// 时刻 → 日期选择器、时间选择器的值（北京时间）：{ date: '2030-03-15', time: '09:05' }
function meetingPickerValues(time) {
  const p = beijingParts(typeof time === 'string' ? Date.parse(time) : time)
  return { date: `${p.year}-${pad2(p.month)}-${pad2(p.day)}`, time: `${pad2(p.hour)}:${pad2(p.minute)}` }
}

// 选择器的日期、时间（北京时间）→ 发给后端的 ISO 8601：'2030-03-15T09:05:00+08:00'
function meetingIso(date, time) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date || '') || !/^\d{2}:\d{2}$/.test(time || '')) return ''
  return `${date}T${time}:00+08:00`
}

// 日期（"2026-12-01"，后端的 date）→ "2026年12月1日"；月份（"2026-11"）→ "2026年11月"
function dateText(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '')
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : ''
}

function monthText(month) {
  const m = /^(\d{4})-(\d{2})$/.exec(month || '')
  return m ? `${m[1]}年${Number(m[2])}月` : ''
}

// ---------- 钱：后端一律是整数的分（*_fen，100 分 = 1 元），页面上写成两位小数的元 ----------

// 12345 → "123.45"，-500 → "-5.00"；不是整数时返回空串
function yuan(fen) {
  if (!Number.isInteger(fen)) return ''
  const abs = Math.abs(fen)
  const cents = abs % 100
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${cents < 10 ? '0' : ''}${cents}`
}

// 12345 → "123.45 元"
function yuanText(fen) {
  const text = yuan(fen)
  return text ? `${text} 元` : ''
}

// 带正负号的金额（进账 +，出账 −）："+100.00 元" / "−50.00 元"
function signedYuanText(fen) {
  if (!Number.isInteger(fen)) return ''
  if (fen === 0) return yuanText(0)
  return `${fen > 0 ? '+' : '−'}${yuanText(Math.abs(fen))}`
}

// 不超过一亿元：再大就是输错了
const MAX_FEN = 10000000000

// 输入框里的元（"100"、"100.5"、"１００．５０"、" 100 元"）→ 整数的分；空的、不是数、超过两位小数、为 0 时返回 null。
// 按字符串拆开算，不经过浮点数（0.1 + 0.2 那样的误差不会变成少一分钱）。
function fenFromYuan(text) {
  const clean = String(text === undefined || text === null ? '' : text)
    .replace(/[\uFF10-\uFF19]/g, ch => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\uFF0E。]/g, '.')
    .replace(/\s+|元$/g, '')
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(clean)
  if (!m) return null
  const fen = Number(m[1]) * 100 + Number(((m[2] || '') + '00').slice(0, 2))
  return fen > 0 && fen <= MAX_FEN ? fen : null
}

module.exports = {
  ROLE_NAMES,
  roleName,
  formatRoles,
  formatHouseAddress,
  normalizeJoinCode,
  isValidJoinCode,
  formatRelativeTime,
  formatMeetingTime,
  meetingPickerValues,
  meetingIso,
  dateText,
  monthText,
  yuan,
  yuanText,
  signedYuanText,
  fenFromYuan,
}
