// 发起表决（社区工作人员、业委会）：填写 → POST /polls（建成草稿）→ 到表决详情页核对、发布。
// 修改草稿：/pages/poll-new/poll-new?id=N 读 GET /polls/{id}，只把改了的字段 PATCH /polls/{id}。
// 新建：/pages/poll-new/poll-new?community=社区id（表决列表的“发起表决”带来）。
//
// - 表决方式、通过规则和每条规则的白话说明、要过哪几道门槛，都读后端的 GET /polls/rules（和计票用的是同一套），
//   范围里的楼栋、院落读 GET /communities/{id}。
// - 手机上不替后端把关：谁能发起、哪种规则配哪种表决方式、时间、题目……都交给后端，
//   后端答 422 时把它的中文说明（写明是哪一项）显示在表单下面。
// - 幂等键：一份内容一个键（api.keyForBody）；网络不好重试、再点一次，后端都只建一份草稿。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const { meetingPickerValues, meetingIso } = require('../../utils/format')
const { marked, placesOf } = require('../../utils/places')

const KINDS = [
  { code: 'yes_no', label: '是非题（赞成 / 反对 / 弃权）' },
  { code: 'single', label: '单选' },
  { code: 'multiple', label: '多选' },
]
const SCOPES = [
  { code: 'community', label: '全社区' },
  { code: 'buildings', label: '选几栋楼' },
  { code: 'courtyard', label: '一个院落' },
]

let questionSeq = 0
function questionRow(fields) {
  questionSeq += 1
  return Object.assign({ key: `q${questionSeq}`, text: '', kind: 'yes_no', optionsText: '', maxChoicesText: '' }, fields || {})
}

function trim(value) {
  return String(value || '').trim()
}

// 数字框：是整数就发数字，空着发 null，别的原样发（后端说哪里不对）
function numberOrText(text) {
  const t = trim(text)
  if (!t) return null
  return /^\d+$/.test(t) ? Number(t) : t
}

function pickerValues(iso) {
  return iso ? meetingPickerValues(iso) : { date: '', time: '' }
}

Component({
  behaviors: [elder.behavior],
  data: {
    loaded: false,
    loadError: '',
    editing: false,
    communityName: '',

    electorates: [],
    rules: [],
    kinds: KINDS,
    scopes: SCOPES,
    buildings: [],
    courtyards: [],

    title: '',
    description: '',
    electorate: '',
    rule: '',
    scopeKind: 'community',
    buildingIds: [],
    courtyardId: null,
    questions: [],
    opensDate: '',
    opensTime: '',
    closesDate: '',
    closesTime: '',
    secret: false,
    allowChange: false,
    showTally: false,
    quorumText: '',
    objectionDaysText: '7',
    today: '',

    submitting: false,
    errorMessage: '',
  },

  methods: {
    onLoad(query) {
      if (!api.getToken()) {
        wx.reLaunch({ url: '/pages/login/login' })
        return Promise.resolve()
      }
      this._pollId = Number(query && query.id) || null
      this._communityId = Number(query && query.community) || null
      this.setData({ today: meetingPickerValues(Date.now()).date, editing: Boolean(this._pollId), questions: [questionRow()] })
      return this.load()
    },

    async load() {
      try {
        if (this._pollId) await this.loadDraft()
        if (!this._communityId) throw new Error('没有找到要发起表决的社区')
        const [book, tree] = await Promise.all([
          api.get('/polls/rules', undefined, { silent: true }),
          api.get(`/communities/${this._communityId}`, undefined, { silent: true }),
        ])
        this.showBook(book)
        this.showPlaces(tree)
        this.setData({ loaded: true, loadError: '' })
      } catch (err) {
        this.setData({ loaded: true, loadError: err.message || '没有加载出来' })
      }
    },

    retryLoad() {
      this.setData({ loadError: '' })
      return this.load()
    },

    // 修改草稿：把草稿的内容放进表单，记下原样（提交时只发改了的）
    async loadDraft() {
      const p = await api.get(`/polls/${this._pollId}`, undefined, { silent: true })
      if (!p.can_edit) throw new Error('这个表决已经发布或取消，不能再修改')
      this._communityId = p.community_id
      // 没定开始时间的草稿存的是建的时候：还在过去就当“发布时开始”
      const opens = Date.parse(p.opens_at) > Date.now() ? pickerValues(p.opens_at) : pickerValues('')
      const closes = pickerValues(p.closes_at)
      this.setData({
        title: p.title,
        description: p.description || '',
        electorate: p.electorate,
        rule: p.rule,
        scopeKind: p.scope_kind,
        buildingIds: p.scope_kind === 'buildings' ? p.scope_ids : [],
        courtyardId: p.scope_kind === 'courtyard' ? p.scope_ids[0] : null,
        questions: (p.questions || []).map(q => questionRow({
          text: q.text,
          kind: q.kind,
          optionsText: q.kind === 'yes_no' ? '' : (q.options || []).join('\n'),
          maxChoicesText: q.kind === 'multiple' ? String(q.max_choices) : '',
        })),
        opensDate: opens.date,
        opensTime: opens.time,
        closesDate: closes.date,
        closesTime: closes.time,
        secret: Boolean(p.secret),
        allowChange: Boolean(p.allow_change),
        showTally: Boolean(p.show_tally),
        quorumText: p.quorum_percent ? String(p.quorum_percent) : '',
        objectionDaysText: String(p.objection_days),
      })
      this._original = this.body()
    },

    // 后端的规则表：表决方式、通过规则（名称、白话说明、计票时要过的门槛）
    showBook(book) {
      this._book = book
      this.setData({
        electorates: book.electorates.map(e => ({ code: e.value, label: e.label })),
      })
      this.refreshRules()
    },

    refreshRules() {
      const rule = this.data.rule
      this.setData({
        rules: this._book.rules.map(r => ({
          code: r.value,
          label: r.label,
          summary: r.summary,
          ownersOnly: Boolean(r.owners_only),
          requires: r.requires.map(q => `${q.label} ${q.required}`),
          on: r.value === rule,
        })),
      })
    },

    showPlaces(tree) {
      const { courtyards, buildings } = placesOf(tree)
      this._buildings = buildings
      this._courtyards = courtyards
      this.setData({ communityName: (tree && tree.name) || '' })
      this.refreshPlaces()
    },

    refreshPlaces() {
      const d = this.data
      this.setData({
        buildings: marked(this._buildings || [], d.buildingIds),
        courtyards: marked(this._courtyards || [], d.courtyardId == null ? [] : [d.courtyardId]),
      })
    },

    // ---------- 输入 ----------

    changed(fields) {
      this.setData(Object.assign({ errorMessage: '' }, fields))
    },

    onFieldInput(e) {
      this.changed({ [e.currentTarget.dataset.field]: e.detail.value })
    },

    onSwitch(e) {
      this.changed({ [e.currentTarget.dataset.field]: Boolean(e.detail.value) })
    },

    onPickerChange(e) {
      this.changed({ [e.currentTarget.dataset.field]: e.detail.value })
    },

    onClearOpens() {
      this.changed({ opensDate: '', opensTime: '' })
    },

    onPickElectorate(e) {
      this.changed({ electorate: e.currentTarget.dataset.code })
    },

    onPickRule(e) {
      this.changed({ rule: e.currentTarget.dataset.code })
      this.refreshRules()
    },

    onPickScope(e) {
      this.changed({ scopeKind: e.currentTarget.dataset.code })
    },

    onToggleBuilding(e) {
      const id = Number(e.currentTarget.dataset.id)
      const ids = this.data.buildingIds
      this.changed({ buildingIds: ids.includes(id) ? ids.filter(x => x !== id) : ids.concat([id]) })
      this.refreshPlaces()
    },

    onPickCourtyard(e) {
      this.changed({ courtyardId: Number(e.currentTarget.dataset.id) })
      this.refreshPlaces()
    },

    onAddQuestion() {
      this.changed({ questions: this.data.questions.concat([questionRow()]) })
    },

    onRemoveQuestion(e) {
      const index = Number(e.currentTarget.dataset.index)
      this.changed({ questions: this.data.questions.filter((_, i) => i !== index) })
    },

    onQuestionInput(e) {
      const { index, field } = e.currentTarget.dataset
      this.changed({ [`questions[${index}].${field}`]: e.detail.value })
    },

    onPickKind(e) {
      const { index, code } = e.currentTarget.dataset
      this.changed({ [`questions[${index}].kind`]: code })
    },

    // ---------- 提交 ----------

    scopeIds() {
      const d = this.data
      if (d.scopeKind === 'buildings') return d.buildingIds.slice()
      if (d.scopeKind === 'courtyard') return d.courtyardId == null ? [] : [d.courtyardId]
      return []
    },

    // 表单 → PollEdit 的字段（新建时再加 community_id）
    body() {
      const d = this.data
      return {
        title: trim(d.title),
        description: trim(d.description),
        electorate: d.electorate || null,
        rule: d.rule || null,
        scope_kind: d.scopeKind,
        scope_ids: this.scopeIds(),
        questions: d.questions.map(q => ({
          text: trim(q.text),
          kind: q.kind,
          options: q.kind === 'yes_no' ? [] : q.optionsText.split('\n').map(trim).filter(Boolean),
          max_choices: q.kind === 'multiple' ? numberOrText(q.maxChoicesText) : null,
        })),
        opens_at: meetingIso(d.opensDate, d.opensTime) || null,
        closes_at: meetingIso(d.closesDate, d.closesTime) || null,
        secret: d.secret,
        allow_change: d.allowChange,
        show_tally: d.showTally,
        quorum_percent: numberOrText(d.quorumText),
        objection_days: numberOrText(d.objectionDaysText),
      }
    },

    // 修改时只发改了的字段（审计记录写明改了哪几项）
    changes() {
      const body = this.body()
      const out = {}
      Object.keys(body).forEach(name => {
        if (JSON.stringify(body[name]) !== JSON.stringify(this._original[name])) out[name] = body[name]
      })
      return out
    },

    onSubmit() {
      if (this.data.submitting) return Promise.resolve()
      return this.data.editing ? this.saveEdit() : this.create()
    },

    async create() {
      const body = Object.assign({ community_id: this._communityId }, this.body())
      const key = api.keyForBody(this, body)
      this.setData({ submitting: true, errorMessage: '' })
      let poll
      try {
        poll = await api.post('/polls', body, { idempotencyKey: key, silent: true })
      } catch (err) {
        this.setData({ submitting: false, errorMessage: err.message || '没有建成，请稍后再试' })
        return
      }
      this.setData({ submitting: false })
      wx.showToast({ title: '草稿已建好', icon: 'success' })
      wx.redirectTo({ url: `/pages/poll/poll?id=${poll.id}` })
    },

    async saveEdit() {
      const body = this.changes()
      if (!Object.keys(body).length) {
        wx.navigateBack()
        return
      }
      this.setData({ submitting: true, errorMessage: '' })
      try {
        await api.patch(`/polls/${this._pollId}`, body, { silent: true })
      } catch (err) {
        this.setData({ submitting: false, errorMessage: err.message || '没有保存，请稍后再试' })
        return
      }
      this.setData({ submitting: false })
      wx.showToast({ title: '已保存', icon: 'success' })
      wx.navigateBack()
    },
  },
})
