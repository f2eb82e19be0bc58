// The one door to the data: the documented /api/v1 (tests/contract.test.mjs checks every call
// in src/ against the OpenAPI document). Pages call api.get/post/patch/put/del with a literal
// path, so the contract test can read them.
//
// - the token from session.js as `Authorization: Bearer`;
// - an error answer's envelope {error: {code, message, details}}: the server's Chinese message is
//   shown with ElMessage (unless {silent: true}) and thrown as an ApiError;
// - 401: the sign-in is over; the desk is sent to the sign-in page (onSignedOut, set by main.js);
// - POSTs the backend marks idempotent carry an Idempotency-Key, reused by the one retry after a
//   network failure, so a dropped answer does not act twice; a dialog that keeps its key across
//   the desk's own retries passes `idempotencyKey` (draftKey below).
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { IDEMPOTENT_POSTS } from './idempotent.js'
import { session, signedOut } from './session'

export const BASE = '/api/v1'


export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message)
    this.status = status
    this.code = code
    this.details = details || {}
  }
}

let onSignedOut = () => {}
export function whenSignedOut(handler) {
  onSignedOut = handler
}

export function pattern(path) {
  return path.split('?')[0].replace(/\/\d+(?=\/|$)/g, '/{}')
}

function query(params) {
  const pairs = Object.entries(params || {}).filter(([, v]) => v !== null && v !== undefined && v !== '')
  return pairs.length ? `?${new URLSearchParams(pairs)}` : ''
}

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`
}

async function fail(response, silent) {
  let envelope = null
  try {
    envelope = (await response.json()).error
  } catch {
    envelope = null
  }
  const message = envelope?.message || `服务器暂时无法处理（${response.status}），请稍后再试`
  const error = new ApiError(response.status, envelope?.code || 'http_error', message, envelope?.details)
  if (response.status === 401 && session.token) {
    signedOut()
    ElMessage.warning('登录已失效，请重新登录')
    onSignedOut()
  } else if (!silent) {
    ElMessage.error(message)
  }
  throw error
}

function saveFile(blob, name) {
  const link = document.createElement('a')
  link.href = URL.createObjectURL(blob)
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(link.href), 10000)
  return name
}

const NETWORK_DOWN = '网络不通，请检查网络后重试'

// Retried only with the same Idempotency-Key in `init`: the server replays, it does not act twice.
async function fetchRetrying(url, init, retries) {
  for (;;) {
    try {
      return await fetch(url, init)
    } catch (error) {
      if (retries-- <= 0) throw error
    }
  }
}

async function request(method, path, { params, body, form, headers = {}, silent = false, download, idempotencyKey } = {}) {
  const sent = { ...headers }
  if (session.token) sent.Authorization = `Bearer ${session.token}`
  if (body !== undefined) sent['Content-Type'] = 'application/json'
  const idempotent = method === 'POST' && IDEMPOTENT_POSTS.includes(pattern(path))
  if (idempotent) sent['Idempotency-Key'] = idempotencyKey || newKey()
  // a FormData `form` goes as multipart/form-data: the browser writes its Content-Type (boundary)
  const init = { method, headers: sent, body: form ?? (body === undefined ? undefined : JSON.stringify(body)) }
  const url = BASE + path + query(params)
  let response
  try {
    response = await fetchRetrying(url, init, idempotent ? 1 : 0)
  } catch {
    if (!silent) ElMessage.error(NETWORK_DOWN)
    throw new ApiError(0, 'network', NETWORK_DOWN)
  }
  if (!response.ok) return fail(response, silent)
  if (download) return saveFile(await response.blob(), download)
  if (response.status === 204) return null
  return response.json()
}

// One key per draft (a dialog's form, made anew each time it opens): kept while what is sent
// stays the same — the desk's retry after a lost answer or a timeout — so the server replays
// rather than records twice; a changed form gets a new key (the server refuses one key for two
// bodies). draftKey()(body) → the key to pass as `idempotencyKey`.
export function draftKey() {
  let key = null
  let sent = null
  return body => {
    const signature = JSON.stringify(body)
    if (signature !== sent) [key, sent] = [newKey(), signature]
    return key
  }
}

export const api = {
  // options: {silent, headers, idempotencyKey, download: '会议通知-….pdf'}: download saves a file answer (a sheet, a PDF
  // to print) under the desk's own name — the server's is ASCII. An error answer is still the
  // envelope's message, never a file.
  get: (path, params, options) => request('GET', path, { ...options, params }),
  post: (path, body, options) => request('POST', path, { ...options, body }),
  patch: (path, body, options) => request('PATCH', path, { ...options, body }),
  put: (path, body, options) => request('PUT', path, { ...options, body }),
  del: (path, options) => request('DELETE', path, options),
  // a file (roster, photo) as multipart/form-data: form is a FormData
  upload: (path, form, options) => request('POST', path, { ...options, form }),
}

// Every page of a cursor-paged list (for short lists: council members, departments, teams).
export async function allPages(fetchPage) {
  const items = []
  let cursor = null
  do {
    const page = await fetchPage(cursor)
    items.push(...page.items)
    cursor = page.next_cursor
  } while (cursor)
  return items
}
