// utils/draft.js：本地草稿（跟着用户 id，带着幂等键）。拿一个普通对象当 holder（页面）。
const { installWx } = require('./wx-mock')
const api = require('../utils/api')
const draft = require('../utils/draft')

const KEY = 'yb_test_draft'

let wx
beforeEach(() => {
  wx = installWx()
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: { id: 42, name: '宋永华' } })
})

test('save：字段平铺存下，带上当前用户 id 和 holder 的幂等键', () => {
  const holder = {}
  draft.save(KEY, holder, { title: '路灯', photos: [{ id: 7 }] })
  expect(wx.storage[KEY]).toEqual({ user_id: 42, title: '路灯', photos: [{ id: 7 }], key: null, key_sig: null })

  api.keyForBody(holder, { title: '路灯' })
  draft.save(KEY, holder, { fields: { title: '路灯' } })
  expect(wx.storage[KEY]).toEqual({ user_id: 42, fields: { title: '路灯' }, key: holder._key, key_sig: holder._keySig })
  expect(holder._key).toEqual(expect.any(String))
})

test('save：没有登录用户时 user_id 为 null', () => {
  api.setUser(null)
  draft.save(KEY, {}, { title: '路灯' })
  expect(wx.storage[KEY].user_id).toBeNull()
})

test('load：返回页面的字段，把幂等键放回 holder；同样的内容还是同一个键', () => {
  const first = {}
  const body = { title: '路灯坏了' }
  const key = api.keyForBody(first, body)
  draft.save(KEY, first, { title: '路灯坏了', category: 'drains' })

  const reopened = {}
  expect(draft.load(KEY, reopened, 42)).toEqual({ title: '路灯坏了', category: 'drains' })
  expect(reopened).toEqual({ _key: key, _keySig: first._keySig })
  expect(api.keyForBody(reopened, body)).toBe(key)
  expect(wx.storage[KEY]).toBeDefined()
})

test('load：没有草稿或存的不是对象时返回 null，不动 holder', () => {
  const holder = { _key: 'k', _keySig: 's' }
  expect(draft.load(KEY, holder, 42)).toBeNull()
  wx.storage[KEY] = 'garbage'
  expect(draft.load(KEY, holder, 42)).toBeNull()
  expect(holder).toEqual({ _key: 'k', _keySig: 's' })
})

test('load：别人的草稿（换了微信号登录）删掉并返回 null，不拿它的键', () => {
  wx.storage[KEY] = { user_id: 99, title: '别人的事', key: 'k-99', key_sig: '{}' }
  const holder = {}
  expect(draft.load(KEY, holder, 42)).toBeNull()
  expect(wx.storage[KEY]).toBeUndefined()
  expect(holder._key).toBeUndefined()
})

test('load：不知道当前用户，或草稿没记用户时照样恢复', () => {
  wx.storage[KEY] = { user_id: 99, title: '路灯', key: 'k', key_sig: 's' }
  expect(draft.load(KEY, {}, null)).toEqual({ title: '路灯' })
  wx.storage[KEY] = { user_id: null, title: '路灯', key: null, key_sig: null }
  const holder = {}
  expect(draft.load(KEY, holder, 42)).toEqual({ title: '路灯' })
  expect(holder).toEqual({ _key: null, _keySig: null })
})

test('clear：删掉草稿，忘掉幂等键（下一份草稿用新键）', () => {
  const holder = {}
  const key = api.keyForBody(holder, { title: '路灯' })
  draft.save(KEY, holder, { title: '路灯' })
  draft.clear(KEY, holder)
  expect(wx.storage[KEY]).toBeUndefined()
  expect(holder).toEqual({ _key: null, _keySig: null })
  expect(api.keyForBody(holder, { title: '路灯' })).not.toBe(key)
})
