// 住户（楼栋长、网格员、社区工作人员）：选一个自己负责的楼栋，列出住户（GET /buildings/{id}/households，
// 翻页、下拉刷新），每户写明谁已经加入、还没人加入的标出来；点一户读 GET /households/{id}，可以：
// - 发入户码（POST /households/{id}/join-codes，可选“加入的人做户主”）：大字显示、写明有效期、可以复制；
// - 作废刚发的入户码（DELETE /join-codes/{id}，只有没用过的能作废）；
// - 社区工作人员指定投票人（PUT /households/{id}/voter，null 是户主投票）。
// 页面用 Component 构造器编写，生命周期（onLoad 等）来自 utils/paged-list.js。
const api = require('../../utils/api')
const auth = require('../../utils/auth')
const households = require('../../utils/households')
const matters = require('../../utils/matters')
const { formatHouseAddress } = require('../../utils/format')
const { pagedList } = require('../../utils/paged-list')

const PAGE_SIZE = 20

function memberNames(members) {
  return members.map(m => m.name || `用户 ${m.user_id}`).join('、')
}

function toItem(h) {
  const members = h.members || []
  return {
    id: h.id,
    address: formatHouseAddress(h),
    headName: h.head_name || '',
    flags: matters.flagLabels(h),
    joined: members.length > 0,
    joinedText: members.length ? `已加入：${memberNames(members)}` : '还没有人加入',
  }
}

// "2030-03-15T08:00:00+00:00" → 北京时间“3月15日 16:00 前有效”
function expiryText(iso) {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return ''
  const d = new Date(t + 8 * 60 * 60 * 1000)
  const hh = String(d.getUTCHours()).padStart(2, '0')
  const mm = String(d.getUTCMinutes()).padStart(2, '0')
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${hh}:${mm} 前有效`
}

// 入户码分两段好念：ABCD EFGH
function spacedCode(code) {
  return `${code.slice(0, 4)} ${code.slice(4)}`
}

const list = pagedList({
  fetch(cursor) {
    return api.get(`/buildings/${this.data.buildingId}/households`, { cursor, limit: PAGE_SIZE }, { silent: true })
  },
  toItem,
})

Component({
  data: {
    allowed: true,
    buildings: [],
    buildingId: null,
    items: [],
    nextCursor: null,
    loading: false,
    loaded: false,
    loadError: '',
    household: null,
    members: [],
    asHead: false,
    joinCode: null,
    canDesignate: false,
    busy: '',
  },

  methods: Object.assign({}, list, {
    // 进页面：看是谁、能选哪些楼栋，先列第一个楼栋的住户
    async start() {
      let user
      try {
        user = await auth.currentUser('roles')
        const communityId = households.communityIdFor(user)
        const tree = communityId ? await api.get(`/communities/${communityId}`, undefined, { silent: true }) : null
        const buildings = households.buildingChoices(user, tree)
        this.setData({
          allowed: households.canLookAfter(user) && buildings.length > 0,
          buildings,
          canDesignate: matters.hasAnyRole(user, ['staff']),
        })
      } catch (err) {
        this.setData({ loaded: true, loadError: err.message })
        return
      }
      if (!this.data.allowed) {
        this.setData({ loaded: true })
        return
      }
      this.setData({ buildingId: this.data.buildings[0].id })
      await this.loadFirstPage()
    },

    refresh() {
      return this.data.buildingId ? this.loadFirstPage() : Promise.resolve()
    },

    retry() {
      if (!this.data.buildingId) {
        this.setData({ loadError: '' })
        return this.start()
      }
      return list.retry.call(this)
    },

    onPickBuilding(e) {
      this.setData({ buildingId: Number(e.currentTarget.dataset.id), household: null, joinCode: null, items: [] })
      return this.loadFirstPage()
    },

    // ---------- 一户 ----------

    async onTapHousehold(e) {
      const id = Number(e.currentTarget.dataset.id)
      try {
        this.showHousehold(await api.get(`/households/${id}`))
        this.setData({ joinCode: null, asHead: false })
      } catch (err) {
        // api.js 已经弹出后端的说明
      }
    },

    showHousehold(h) {
      const members = (h.members || []).map(m => ({
        userId: m.user_id,
        name: m.name || `用户 ${m.user_id}`,
        isHead: m.is_head,
        isVoter: m.is_voter,
      }))
      this.setData({ household: { id: h.id, address: formatHouseAddress(h), headName: h.head_name || '' }, members })
    },

    onToggleAsHead() {
      this.setData({ asHead: !this.data.asHead })
    },

    async onIssueCode() {
      if (this.data.busy) return
      this.setData({ busy: 'issue' })
      try {
        const res = await api.post(`/households/${this.data.household.id}/join-codes`, { as_head: this.data.asHead })
        this.setData({
          joinCode: { id: res.id, code: res.code, spaced: spacedCode(res.code), asHead: res.as_head, expiry: expiryText(res.expires_at) },
        })
      } catch (err) {
        // api.js 已经弹出后端的说明
      } finally {
        this.setData({ busy: '' })
      }
    },

    onCopyCode() {
      wx.setClipboardData({ data: this.data.joinCode.code })
    },

    async onRevokeCode() {
      if (this.data.busy) return
      this.setData({ busy: 'revoke' })
      try {
        await api.del(`/join-codes/${this.data.joinCode.id}`)
        this.setData({ joinCode: null })
        wx.showToast({ title: '已作废', icon: 'success' })
      } catch (err) {
        // 已经用过（409）等：api.js 弹出后端的说明
      } finally {
        this.setData({ busy: '' })
      }
    },

    // data-user 为空：户主投票
    async onPickVoter(e) {
      if (this.data.busy) return
      const raw = e.currentTarget.dataset.user
      const userId = raw ? Number(raw) : null
      this.setData({ busy: 'voter' })
      try {
        this.showHousehold(await api.put(`/households/${this.data.household.id}/voter`, { user_id: userId }))
        wx.showToast({ title: '已指定', icon: 'success' })
      } catch (err) {
        // api.js 已经弹出后端的说明
      } finally {
        this.setData({ busy: '' })
      }
    },
  }),
})
