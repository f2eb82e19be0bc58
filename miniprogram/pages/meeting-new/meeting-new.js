// 召集会议：填写 → POST /meetings（建成草稿），然后到详情页核对、发布。
//
// - 谁能召集（后端说了算）：楼栋长给自己负责的楼栋开会（楼栋来自 /me 的 building_head 角色：scope_id、scope_name，
//   可以多选）；社区工作人员在本社区什么范围都行：楼栋、院落、全社区、议事会成员、职能部门（联席会议）。
//   社区：社区工作人员用 staff 角色的 scope_id，其他人用自家住户所在社区。
// - 时间：日期、时间两个选择器，按北京时间理解，发给后端 '2030-03-15T19:30:00+08:00'。
// - 议程：一条一行，可以写上要讨论的诉求编号（如“12 15”）。
// - 草稿：每次改动都存进本地存储（yb_meeting_draft，带用户 id），下次打开恢复，建成后清掉。
// - 幂等键：一份草稿一个键，跟草稿一起存；同样的内容无论自动重试、再点一次还是关掉重开再点都用同一个键，
//   后端不会建出两个会。失败后改了内容换新键（后端对同键不同内容回 422）。
// 页面用 Component 构造器编写，生命周期（onLoad 等）写在 methods 里。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const auth = require('../../utils/auth')
const draft = require('../../utils/draft')
const meetings = require('../../utils/meetings')
const { meetingPickerValues, meetingIso } = require('../../utils/format')
const { readAll } = require('../../utils/paged-list')
const { marked, placesOf } = require('../../utils/places')

const DRAFT_KEY = 'yb_meeting_draft'
const TITLE_MIN = 2
const STAFF_SCOPES = ['buildings', 'courtyard', 'community', 'council', 'departments']
// 社区工作人员选了会议种类后，范围默认跟着变（还可以再改）
const DEFAULT_SCOPE = { building: 'buildings', courtyard: 'courtyard', council: 'council', joint: 'departments' }

function trim(value) {
  return String(value || '').trim()
}

let agendaSeq = 0
function agendaRow(fields) {
  agendaSeq += 1
  return Object.assign({ key: `a${agendaSeq}`, text: '', matterIdsText: '' }, fields || {})
}

Component({
  behaviors: [elder.behavior],
  data: {
    loaded: false,
    loadError: '',
    allowed: true,
    isStaff: false,
    communityName: '',

    kinds: [],
    kind: '',
    stages: [{ code: '', label: '不选' }].concat(meetings.STAGE_ORDER.map(code => ({ code, label: meetings.STAGE_LABELS[code] }))),
    stage: '',
    title: '',
    place: '',
    description: '',
    date: '',
    time: '',
    today: '',
    capacityText: '',

    scopeKinds: [],
    scopeKind: '',
    buildings: [],
    courtyards: [],
    departments: [],
    buildingIds: [],
    courtyardId: null,
    departmentIds: [],
    listsError: '',

    agenda: [],

    restored: false,
    submitting: false,
    errorMessage: '',
  },

  methods: {
    onLoad() {
      if (!api.getToken()) {
        wx.reLaunch({ url: '/pages/login/login' })
        return Promise.resolve()
      }
      this.setData({ today: meetingPickerValues(Date.now()).date, agenda: [agendaRow()] })
      return this.loadUser()
    },

    // ---------- 我是谁、能给哪些范围开会 ----------

    async loadUser() {
      let user
      try {
        user = await auth.currentUser('roles')
      } catch (err) {
        this.setData({ loaded: true, loadError: err.message || '没有读到您的身份' })
        return
      }
      this._user = user
      if (!meetings.canCallMeetings(user)) {
        this.setData({ loaded: true, allowed: false })
        return
      }
      this._communityId = meetings.organizerCommunityId(user)
      if (!this._communityId) {
        this.setData({ loaded: true, loadError: '没有找到您所在的社区，请先绑定住户' })
        return
      }
      const isStaff = (user.roles || []).some(r => r.role === 'staff')
      const kindCodes = isStaff ? meetings.KIND_ORDER : meetings.BUILDING_HEAD_KINDS
      const scopeCodes = isStaff ? STAFF_SCOPES : ['buildings']
      this._headed = meetings.headedBuildings(user)
      this.setData({
        loaded: true,
        loadError: '',
        isStaff,
        kinds: kindCodes.map(code => ({ code, label: meetings.KIND_LABELS[code] })),
        scopeKinds: scopeCodes.map(code => ({ code, label: meetings.SCOPE_LABELS[code] })),
        kind: isStaff ? '' : 'building',
        scopeKind: 'buildings',
        buildings: marked(this._headed, []),
        communityName: (user.household && user.household.community_id === this._communityId && user.household.community_name) || '',
      })
      // 只负责一栋楼的楼栋长：直接选上
      if (!isStaff && this._headed.length === 1) this.setData({ buildingIds: [this._headed[0].id] })
      this.restoreDraft()
      this.refreshLists()
      if (isStaff) await this.loadCommunity()
      if (this.data.scopeKind === 'departments') await this.loadDepartments()
    },

    retryLoad() {
      this.setData({ loadError: '' })
      return this.loadUser()
    },

    // 社区工作人员：本社区的院落、楼栋（GET /communities/{id} 的树）
    async loadCommunity() {
      try {
        const tree = await api.get(`/communities/${this._communityId}`, undefined, { silent: true })
        const { courtyards, buildings } = placesOf(tree)
        this._allBuildings = buildings
        this._courtyards = courtyards
        this.setData({ communityName: (tree && tree.name) || this.data.communityName, listsError: '' })
        this.refreshLists()
      } catch (err) {
        this.setData({ listsError: err.message || '楼栋、院落没有加载出来' })
      }
    },

    // 联席会议：职能部门列表（GET /departments，读一次）
    async loadDepartments() {
      if (this._departments) return
      try {
        const items = await readAll(cursor => api.get('/departments', { limit: 100, cursor }, { silent: true }))
        this._departments = items.map(d => ({ id: d.id, name: d.name }))
        this.setData({ listsError: '' })
        this.refreshLists()
      } catch (err) {
        this.setData({ listsError: err.message || '部门列表没有加载出来' })
      }
    },

    reloadLists() {
      this.setData({ listsError: '' })
      const tasks = []
      if (this.data.isStaff) tasks.push(this.loadCommunity())
      if (this.data.scopeKind === 'departments') tasks.push(this.loadDepartments())
      return Promise.all(tasks)
    },

    refreshLists() {
      const d = this.data
      this.setData({
        buildings: marked(this._allBuildings || this._headed || [], d.buildingIds),
        courtyards: marked(this._courtyards || [], d.courtyardId == null ? [] : [d.courtyardId]),
        departments: marked(this._departments || [], d.departmentIds),
      })
    },

    // ---------- 草稿 ----------

    // 草稿的存取（跟着用户 id、带着幂等键）在 utils/draft.js；这里只管有哪些字段。
    // 字段放在 fields 下面存（本地存储里一直是这个样子，升级后旧草稿照样能恢复）。
    restoreDraft() {
      const saved = draft.load(DRAFT_KEY, this, this._user && this._user.id)
      if (!saved) return
      const f = saved.fields || {}
      const kinds = this.data.kinds.map(k => k.code)
      const scopes = this.data.scopeKinds.map(s => s.code)
      this.setData({
        kind: kinds.includes(f.kind) ? f.kind : this.data.kind,
        stage: f.stage || '',
        title: f.title || '',
        place: f.place || '',
        description: f.description || '',
        date: f.date || '',
        time: f.time || '',
        capacityText: f.capacityText || '',
        scopeKind: scopes.includes(f.scopeKind) ? f.scopeKind : this.data.scopeKind,
        // 楼栋长只能选自己负责的楼（角色可能变了）；社区工作人员的楼栋列表稍后才读到，先原样恢复
        buildingIds: Array.isArray(f.buildingIds)
          ? f.buildingIds.filter(id => this.data.isStaff || this._headed.some(b => b.id === id))
          : this.data.buildingIds,
        courtyardId: f.courtyardId == null ? null : f.courtyardId,
        departmentIds: f.departmentIds || [],
        agenda: (f.agenda || []).length ? f.agenda.map(a => agendaRow({ text: a.text || '', matterIdsText: a.matterIdsText || '' })) : this.data.agenda,
        restored: Boolean(f.title || f.place || f.description || f.date),
      })
    },

    saveDraft() {
      const d = this.data
      draft.save(DRAFT_KEY, this, {
        fields: {
          kind: d.kind,
          stage: d.stage,
          title: d.title,
          place: d.place,
          description: d.description,
          date: d.date,
          time: d.time,
          capacityText: d.capacityText,
          scopeKind: d.scopeKind,
          buildingIds: d.buildingIds,
          courtyardId: d.courtyardId,
          departmentIds: d.departmentIds,
          agenda: d.agenda.map(a => ({ text: a.text, matterIdsText: a.matterIdsText })),
        },
      })
    },

    clearDraft() {
      draft.clear(DRAFT_KEY, this)
    },

    // 改了什么都存草稿
    changed(fields) {
      this.setData(Object.assign({ errorMessage: '' }, fields))
      this.saveDraft()
    },

    // ---------- 输入 ----------

    onFieldInput(e) {
      this.changed({ [e.currentTarget.dataset.field]: e.detail.value })
    },

    onPickKind(e) {
      const kind = e.currentTarget.dataset.code
      const fields = { kind }
      if (this.data.isStaff && DEFAULT_SCOPE[kind]) fields.scopeKind = DEFAULT_SCOPE[kind]
      this.changed(fields)
      if (this.data.scopeKind === 'departments') return this.loadDepartments()
      return Promise.resolve()
    },

    onPickStage(e) {
      this.changed({ stage: e.currentTarget.dataset.code || '' })
    },

    onDateChange(e) {
      this.changed({ date: e.detail.value })
    },

    onTimeChange(e) {
      this.changed({ time: e.detail.value })
    },

    onPickScope(e) {
      this.changed({ scopeKind: e.currentTarget.dataset.code })
      if (this.data.scopeKind === 'departments') return this.loadDepartments()
      return Promise.resolve()
    },

    onToggleBuilding(e) {
      const id = Number(e.currentTarget.dataset.id)
      const ids = this.data.buildingIds
      this.changed({ buildingIds: ids.includes(id) ? ids.filter(x => x !== id) : ids.concat([id]) })
      this.refreshLists()
    },

    onPickCourtyard(e) {
      this.changed({ courtyardId: Number(e.currentTarget.dataset.id) })
      this.refreshLists()
    },

    onToggleDepartment(e) {
      const id = Number(e.currentTarget.dataset.id)
      const ids = this.data.departmentIds
      this.changed({ departmentIds: ids.includes(id) ? ids.filter(x => x !== id) : ids.concat([id]) })
      this.refreshLists()
    },

    onAddAgenda() {
      this.changed({ agenda: this.data.agenda.concat([agendaRow()]) })
    },

    onRemoveAgenda(e) {
      const index = Number(e.currentTarget.dataset.index)
      this.changed({ agenda: this.data.agenda.filter((_, i) => i !== index) })
    },

    onAgendaInput(e) {
      const { index, field } = e.currentTarget.dataset
      this.changed({ [`agenda[${index}].${field}`]: e.detail.value })
    },

    onResetDraft() {
      return new Promise(resolve => {
        wx.showModal({
          title: '清空重填',
          content: '已经填的内容都会清掉，确定吗？',
          confirmText: '清空',
          cancelText: '不清空',
          success: res => resolve(Boolean(res && res.confirm)),
          fail: () => resolve(false),
        })
      }).then(confirmed => {
        if (!confirmed) return undefined
        this.clearDraft()
        this.setData({
          stage: '', title: '', place: '', description: '', date: '', time: '', capacityText: '',
          courtyardId: null, departmentIds: [], agenda: [agendaRow()], restored: false, errorMessage: '',
          buildingIds: !this.data.isStaff && this._headed.length === 1 ? [this._headed[0].id] : [],
        })
        this.refreshLists()
        return undefined
      })
    },

    // ---------- 提交 ----------

    scopeIds() {
      const d = this.data
      switch (d.scopeKind) {
        case 'buildings':
          return d.buildingIds.slice()
        case 'courtyard':
          return d.courtyardId == null ? [] : [d.courtyardId]
        case 'community':
          return [this._communityId]
        case 'departments':
          return d.departmentIds.slice()
        default:
          return [] // 议事会：后端按本社区的议事会成员邀请
      }
    },

    // 检查并整理成 MeetingIn；有问题时返回 { error }
    payload() {
      const d = this.data
      if (!d.kind) return { error: '请选开什么会' }
      const title = trim(d.title)
      if (title.length < TITLE_MIN) return { error: '请写会议的题目（至少 2 个字）' }
      const place = trim(d.place)
      if (!place) return { error: '请写开会的地点' }
      const startsAt = meetingIso(d.date, d.time)
      if (!startsAt) return { error: '请选开会的日期和时间' }
      if (Date.parse(startsAt) <= Date.now()) return { error: '开会时间要在将来' }
      const body = {
        community_id: this._communityId,
        kind: d.kind,
        title,
        place,
        starts_at: startsAt,
        scope_kind: d.scopeKind,
        scope_ids: this.scopeIds(),
        agenda: [],
      }
      if (d.stage) body.stage = d.stage
      const description = trim(d.description)
      if (description) body.description = description
      const capacityText = trim(d.capacityText)
      if (capacityText) {
        const capacity = Number(capacityText)
        if (!Number.isInteger(capacity) || capacity < 1) return { error: '限多少人要填正整数，不限人数就空着' }
        body.capacity = capacity
      }
      if (d.scopeKind !== 'council' && !body.scope_ids.length) {
        return { error: d.scopeKind === 'buildings' ? '请选给哪几栋楼开会' : d.scopeKind === 'courtyard' ? '请选哪个院落' : '请选请哪些部门' }
      }
      for (let i = 0; i < d.agenda.length; i++) {
        const row = d.agenda[i]
        const text = trim(row.text)
        const ids = meetings.parseMatterIds(row.matterIdsText)
        if (ids === null) return { error: `第 ${i + 1} 项议程的诉求编号要填数字，比如：12 15` }
        if (!text) {
          if (ids.length) return { error: `第 ${i + 1} 项议程还没写内容` }
          continue
        }
        const item = { text }
        if (ids.length) item.matter_ids = ids
        body.agenda.push(item)
      }
      return { body }
    },

    onSubmit() {
      if (this.data.submitting) return Promise.resolve()
      const { body, error } = this.payload()
      if (error) {
        this.setData({ errorMessage: error })
        return Promise.resolve()
      }
      return this.submit(body)
    },

    async submit(body) {
      api.keyForBody(this, body)
      this.saveDraft() // 键先落盘：万一小程序被关掉，重新打开再提交还是同一个键
      this.setData({ submitting: true, errorMessage: '' })
      let meeting
      try {
        meeting = await api.post('/meetings', body, { idempotencyKey: this._key })
      } catch (err) {
        this.setData({ submitting: false, errorMessage: err.message || '没有建成，请稍后再试' })
        if (err.status === 401) wx.reLaunch({ url: '/pages/login/login' })
        return
      }
      this.clearDraft()
      this.setData({ submitting: false })
      wx.showToast({ title: '已建好，请发布', icon: 'success' })
      wx.redirectTo({ url: `/pages/meeting/meeting?id=${meeting.id}` })
    },
  },
})
