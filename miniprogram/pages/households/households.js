// 住户（楼栋长、网格员、社区工作人员）：选一个自己负责的楼栋，列出住户（GET /buildings/{id}/households，
// 翻页、下拉刷新），每户写明谁已经加入、还没人加入的标出来；点一户读 GET /households/{id}，可以：
// - 发入户码（POST /households/{id}/join-codes，可选“加入的人做户主”）：大字显示、写明有效期、可以复制；
// - 看这一户还没用的入户码（GET /households/{id}/join-codes，码本身不再显示），作废任何一个
//   （DELETE /join-codes/{id}，只有没用过的能作废），比如前几天发错了人的；
// - 能发入户码的（can_issue_join_codes）还能去“家人代办”（pages/helpers，凭户主书面同意的照片）
//   和“短信通知”（pages/sms，写明居民怎么同意的）替这户办；
// - 后端说可以时（can_designate_voter，社区工作人员）指定投票人（PUT /households/{id}/voter，null 是户主投票）。
// 页面用 Component 构造器编写，生命周期（onLoad 等）来自 utils/paged-list.js。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const households = require('../../utils/households')
const matters = require('../../utils/matters')
const { formatHouseAddress, formatMeetingTime } = require('../../utils/format')
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

function expiryText(iso) {
  const time = formatMeetingTime(iso)
  return time ? `${time} 前有效` : ''
}

// 后端 IssuedJoinCode → 列表里的一行
function codeItem(c) {
  return {
    id: c.id,
    asHead: c.as_head,
    issued: `${c.issued_by_name || '工作人员'} ${formatMeetingTime(c.issued_at)} 发`,
    expiry: expiryText(c.expires_at),
  }
}

const list = pagedList({
  fetch(cursor) {
    return api.get(`/buildings/${this.data.buildingId}/households`, { cursor, limit: PAGE_SIZE }, { silent: true })
  },
  toItem,
})

Component({
  behaviors: [elder.behavior],
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
    codes: [],
    busy: '',
  },

  methods: Object.assign({}, list, {
    // 进页面：看是谁、能选哪些楼栋，先列第一个楼栋的住户
    async start() {
      try {
        const { user, buildings } = await households.lookAfterBuildings()
        this.setData({ allowed: households.canLookAfter(user) && buildings.length > 0, buildings })
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
        this.setData({ joinCode: null, asHead: false, codes: [] })
      } catch (err) {
        return // api.js 已经弹出后端的说明
      }
      await this.loadCodes()
    },

    showHousehold(h) {
      this.setData({
        household: {
          id: h.id, address: formatHouseAddress(h), headName: h.head_name || '',
          canDesignate: h.can_designate_voter, canIssue: h.can_issue_join_codes, elderMode: h.elder_mode,
        },
        members: households.memberItems(h),
      })
    },

    // 这一户还没用、没过期的入户码（读不到时不打扰，列表空着）
    async loadCodes() {
      const household = this.data.household
      if (!household || !household.canIssue) return
      try {
        const res = await api.get(`/households/${household.id}/join-codes`, { limit: 50 }, { silent: true })
        this.setData({ codes: (res.items || []).map(codeItem) })
      } catch (err) {
        this.setData({ codes: [] })
      }
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
          joinCode: { id: res.id, code: res.code, spaced: households.spacedCode(res.code), asHead: res.as_head, expiry: expiryText(res.expires_at) },
        })
      } catch (err) {
        // api.js 已经弹出后端的说明
      } finally {
        this.setData({ busy: '' })
      }
      await this.loadCodes()
    },

    onCopyCode() {
      wx.setClipboardData({ data: this.data.joinCode.code })
    },

    // 作废刚发的（大字显示的）或列表里的某一个（data-id）
    async onRevokeCode(e) {
      if (this.data.busy) return
      const id = Number(e.currentTarget.dataset.id)
      this.setData({ busy: `revoke-${id}` })
      try {
        await api.del(`/join-codes/${id}`)
        if (this.data.joinCode && this.data.joinCode.id === id) this.setData({ joinCode: null })
        wx.showToast({ title: '已作废', icon: 'success' })
      } catch (err) {
        // 已经用过（409）等：api.js 弹出后端的说明
      } finally {
        this.setData({ busy: '' })
      }
      await this.loadCodes()
    },

    // 替没手机的老人绑定家人代办（要拍户主书面同意）、登记短信通知（要选怎么同意的）
    onOpenHelpers() {
      wx.navigateTo({ url: households.householdPageUrl('helpers', this.data.household) })
    },

    onOpenSms() {
      wx.navigateTo({ url: households.householdPageUrl('sms', this.data.household) })
    },

    // 长辈模式：这户人家的手机打开小程序就是大字、大按钮（本人在“我的信息”里还能改）
    async onToggleElder() {
      if (this.data.busy) return
      this.setData({ busy: 'elder' })
      try {
        const res = await api.put(`/households/${this.data.household.id}/elder-mode`, { elder_mode: !this.data.household.elderMode })
        this.setData({ 'household.elderMode': res.elder_mode })
        wx.showToast({ title: res.elder_mode ? '已打开' : '已关掉', icon: 'success' })
      } catch (err) {
        // api.js 已经弹出后端的说明
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onPickVoter(e) {
      if (this.data.busy) return
      this.setData({ busy: 'voter' })
      try {
        this.showHousehold(await households.designateVoter(this.data.household.id, e.currentTarget.dataset))
        wx.showToast({ title: '已指定', icon: 'success' })
      } catch (err) {
        // api.js 已经弹出后端的说明
      } finally {
        this.setData({ busy: '' })
      }
    },
  }),
})
