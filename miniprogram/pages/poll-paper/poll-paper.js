// 录入纸质票、委托投票（楼栋长）：/pages/poll-paper/poll-paper?id=N。
//
// - 扫码录入：扫纸质票上印的二维码（选票编码），发 ballot_code，后端认出是哪一户（楼栋长、网格员都能用）。
// - 选一个自己负责的楼栋（/me 里 building_head 角色的 scope_id/scope_name）；
//   列出这栋楼还没投票的住户（GET /polls/{id}/electors?building_id=&voted=false，拉到底加载更多）。
// - 点一户：替他答题（和详情页一样：是非题三个大按钮，单选、多选、弃权），选“纸质票”或“委托投票”
//   （委托投票要填受托人姓名和委托书内容），拍下纸质票或委托书的照片（必须有，behaviors/one-photo.js 上传），
//   确认后 POST /polls/{id}/paper-ballots。幂等键跟着这份录入走（api.keyForBody）：没收到结果再点一次不会录两张。
//   录好了显示“已录入，等待监委会确认”，重读名单：监委会核对照片后才计票。
// - 已录入、还在等确认的住户在后端仍算“没投票”，名单里后端标着 paper_pending（不管是谁录的）：
//   标成“已录入，待确认”，不能再录。
// - “我录入的”（GET /polls/{id}/paper-ballots）：每张的状态（待确认 / 已确认 / 已退回和原因）。
//   无记名投票的纸质票照片上有这户的选择，监委会确认或退回后后端就销毁了（photo 是 null）：写明“已在确认后销毁”。
// 页面用 Component 构造器编写，生命周期写在 methods 里；住户列表用 utils/paged-list.js。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const ui = require('../../utils/ui')
const auth = require('../../utils/auth')
const polls = require('../../utils/polls')
const meetings = require('../../utils/meetings')
const detailPage = require('../../utils/detail-page')
const { pagedList, readAll } = require('../../utils/paged-list')
const { formatRelativeTime } = require('../../utils/format')
const onePhoto = require('../../behaviors/one-photo')

const AUTHORIZATION_MIN = 2
const PHOTO_DESTROYED_TEXT = '无记名投票：纸质票照片已在确认后销毁'

function electorText(e) {
  return e.head_name ? `${e.label}（${e.head_name}）` : e.label || `${e.household_id}号住户`
}

const list = pagedList({
  // 还没投票的住户（按楼栋）
  fetch(cursor) {
    if (!this.data.buildingId || !this.data.pollOpen) return Promise.resolve({ items: [], next_cursor: null })
    const query = { building_id: this.data.buildingId, voted: false, limit: 50 }
    if (cursor) query.cursor = cursor
    return api.get(`/polls/${this.data.id}/electors`, query, { silent: true })
  },
  toItem: e => ({ id: e.id, householdId: e.household_id, text: electorText(e), paperPending: Boolean(e.paper_pending) }),
})

function emptyForm() {
  return {
    selected: null,
    selectedId: null,
    questions: [],
    via: 'paper',
    proxyName: '',
    authorizationText: '',
    photo: null,
    formError: '',
  }
}

Component({
  behaviors: [elder.behavior, onePhoto],
  data: Object.assign(
    {
      id: null,
      // 住户列表（utils/paged-list.js）
      items: [],
      nextCursor: null,
      loading: false,
      loaded: false,
      loadError: '',

      pageLoaded: false,
      pageError: '',
      poll: null,
      pollOpen: false,
      notice: '',
      buildings: [],
      buildingId: null,
      busy: '',
      doneNotice: '',
      entered: [],
      enteredError: '',
    },
    emptyForm(),
  ),

  methods: Object.assign({}, list, {
    onLoad(query) {
      this._picks = {}
      const id = detailPage.queryId(this, query, '表决编号不对', { fields: detailPage.PAGE_FIELDS })
      if (!id) return Promise.resolve()
      this.setData({ id })
      return this.start()
    },

    onUnload() {
      this._unloaded = true
      this.dropPhoto()
    },

    async start() {
      await this.loadUser()
      const ok = await this.loadPoll()
      if (!ok) return
      await Promise.all([this.loadFirstPage(), this.loadEntered()])
    },

    refresh() {
      return Promise.all([this.loadFirstPage(), this.loadEntered()])
    },

    async loadUser() {
      let user
      try {
        user = await auth.currentUser('roles')
      } catch (err) {
        user = api.getUser() || { roles: [] }
      }
      const buildings = meetings.headedBuildings(user)
      this.setData({ buildings, buildingId: buildings.length ? buildings[0].id : null })
    },

    async loadPoll() {
      try {
        const p = await api.get(`/polls/${this.data.id}`, undefined, { silent: true })
        this._poll = p
        const open = Boolean(p.can_enter_paper)
        // 能不能录只看后端（can_enter_paper：楼栋长、范围内的网格员）；不能录时说明大概的原因
        let notice = ''
        if (!polls.PAPER_ELECTORATES.includes(p.electorate)) notice = '纸质票和委托投票只用于按户表决。'
        else if (!open && p.status !== 'open') notice = '这次表决不在投票中，不能录入。'
        else if (!open) notice = '只有负责这些住户的楼栋长、网格员可以录入纸质票和委托投票。'
        this.setData({
          pageLoaded: true,
          pageError: '',
          poll: { title: p.title || '', statusLabel: p.status_label || '', status: p.status, closesText: polls.timeText(p.closes_at) },
          pollOpen: open,
          notice,
        })
        return true
      } catch (err) {
        this.setData({ pageLoaded: true, pageError: err.message })
        return false
      }
    },

    // 我录入的纸质票（后端只给自己录的）
    async loadEntered() {
      if (!this.data.buildings.length && !this.data.pollOpen) return
      try {
        const items = await readAll(cursor => api.get(`/polls/${this.data.id}/paper-ballots`, { cursor, limit: 50 }, { silent: true }), 500)
        if (this._unloaded) return
        const now = Date.now()
        this.setData({
          entered: items.map(p => ({
            id: p.id,
            household: p.household || `${p.household_id}号住户`,
            viaText: polls.viaLabel(p.via),
            status: p.status,
            statusText: polls.PAPER_STATUS_LABELS[p.status] || p.status,
            note: p.review_note || '',
            photoText: p.photo ? '' : PHOTO_DESTROYED_TEXT,
            timeText: formatRelativeTime(p.entered_at, now),
          })),
          enteredError: '',
        })
      } catch (err) {
        this.setData({ enteredError: err.message || '没有加载出来' })
      }
    },

    retryPage() {
      this.setData({ pageError: '' })
      return this.start()
    },

    // ---------- 楼栋、住户 ----------

    onPickBuilding(e) {
      const buildingId = Number(e.currentTarget.dataset.id)
      if (!buildingId || buildingId === this.data.buildingId) return Promise.resolve()
      this.dropPhoto()
      this.setData(Object.assign({ buildingId, items: [], nextCursor: null, doneNotice: '' }, emptyForm()))
      return this.loadFirstPage()
    },

    onPickElector(e) {
      if (this.data.busy) return
      const item = this.data.items.find(i => i.id === Number(e.currentTarget.dataset.id))
      if (!item || item.paperPending) return
      this.dropPhoto()
      this._picks = {}
      this._key = null
      this._keySig = null
      this.setData(Object.assign(emptyForm(), {
        selected: item,
        selectedId: item.id,
        questions: polls.questionViews(this._poll.questions, this._picks),
        doneNotice: '',
      }))
    },

    // 扫纸质票上印的二维码（选票编码“表决-住户-校验字母”）：不用在名单里找，也不会录到隔壁那户；
    // 发 ballot_code，由后端认出是哪一户。楼栋长、网格员都能用（网格员没有“自己的楼栋”名单）。
    onScanBallot() {
      if (this.data.busy) return Promise.resolve()
      return new Promise(resolve => {
        wx.scanCode({
          onlyFromCamera: true,
          scanType: ['qrCode'],
          success: resolve,
          fail: () => resolve(null), // 用户取消
        })
      }).then(res => {
        const code = ((res && res.result) || '').trim().toUpperCase()
        if (!res) return
        const parts = code.split('-')
        if (parts.length !== 3 || !/^\d+$/.test(parts[0]) || !/^\d+$/.test(parts[1])) {
          this.setData({ formError: '这不是纸质票上的二维码，请扫选票右上角的二维码', doneNotice: '' })
          return
        }
        if (Number(parts[0]) !== this.data.id) {
          this.setData({ formError: '这张选票属于另一次表决，不能录入本次表决', doneNotice: '' })
          return
        }
        const householdId = Number(parts[1])
        const listed = this.data.items.find(i => i.householdId === householdId)
        if (listed && listed.paperPending) {
          this.setData({ formError: `${listed.text}：已录入，等待监委会确认，不能再录`, doneNotice: '' })
          return
        }
        this.dropPhoto()
        this._picks = {}
        this._key = null
        this._keySig = null
        this.setData(Object.assign(emptyForm(), {
          selected: { ballotCode: code, householdId, text: listed ? listed.text : `扫码的选票 ${code}` },
          selectedId: listed ? listed.id : null,
          questions: polls.questionViews(this._poll.questions, this._picks),
          doneNotice: '',
        }))
      })
    },

    onCancelEntry() {
      this.dropPhoto()
      this._picks = {}
      this.setData(emptyForm())
    },

    // ---------- 答题 ----------

    findQuestion(qid) {
      return ((this._poll && this._poll.questions) || []).find(q => q.id === qid)
    },

    onPick(e) {
      if (!this.data.selected || this.data.busy) return
      const qid = Number(e.currentTarget.dataset.qid)
      const question = this.findQuestion(qid)
      if (!question) return
      const { picked, error } = polls.togglePick(question, this._picks[String(qid)], Number(e.currentTarget.dataset.index))
      this._picks[String(qid)] = picked
      this.setData({ questions: polls.questionViews(this._poll.questions, this._picks), formError: error })
    },

    onAbstain(e) {
      if (!this.data.selected || this.data.busy) return
      const qid = Number(e.currentTarget.dataset.qid)
      const question = this.findQuestion(qid)
      if (!question) return
      this._picks[String(qid)] = polls.abstain(question)
      this.setData({ questions: polls.questionViews(this._poll.questions, this._picks), formError: '' })
    },

    onPickVia(e) {
      const via = e.currentTarget.dataset.via
      if (via === 'paper' || via === 'proxy') this.setData({ via, formError: '' })
    },

    onFieldInput(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value, formError: '' })
    },

    // ---------- 录入 ----------

    validate() {
      const d = this.data
      if (!d.selected) return '请先在上面点一户'
      const problem = polls.validateAnswers(this._poll.questions, this._picks)
      if (problem) return problem
      if (d.via === 'proxy') {
        if (!d.proxyName.trim()) return '委托投票请填受托人姓名'
        if (d.authorizationText.trim().length < AUTHORIZATION_MIN) return '委托投票请填委托书内容：谁委托谁、怎么投、哪天签的字'
      }
      if (!d.photo) return d.via === 'proxy' ? '请拍下委托书的照片' : '请拍下纸质票的照片'
      return this.photoProblem()
    },

    payload() {
      const d = this.data
      // 扫了码的发选票编码（后端按它认户），点名单的发住户编号
      const body = d.selected.ballotCode ? { ballot_code: d.selected.ballotCode } : { household_id: d.selected.householdId }
      Object.assign(body, {
        answers: polls.buildAnswers(this._poll.questions, this._picks),
        photo_id: d.photo.id,
        via: d.via,
      })
      if (d.via === 'proxy') {
        body.proxy_name = d.proxyName.trim()
        body.authorization_text = d.authorizationText.trim()
      }
      return body
    },

    async onSubmitEntry() {
      if (!ui.formReady(this)) return
      const d = this.data
      const body = this.payload()
      const choices = {}
      body.answers.forEach(a => {
        choices[String(a.question_id)] = a.choices
      })
      const lines = [`住户：${d.selected.text}`, `方式：${polls.viaLabel(d.via)}`]
      if (d.via === 'proxy') lines.push(`受托人：${body.proxy_name}`)
      lines.push(polls.choicesSummary(this._poll.questions, choices))
      const ok = await ui.confirm('确认录入', `请确认录入的内容：\n${lines.join('\n')}`, '确认录入')
      if (!ok) return
      const key = api.keyForBody(this, body)
      this.setData({ busy: 'submit', formError: '' })
      try {
        await api.post(`/polls/${this.data.id}/paper-ballots`, body, { idempotencyKey: key })
      } catch (err) {
        this.setData({ busy: '', formError: err.message || '没有录入成功，请稍后再试' })
        // 这户刚刚自己投了、已经有人录过：重新读名单
        if (err.status === 409) await Promise.all([this.loadFirstPage(), this.loadEntered()])
        return
      }
      this._key = null
      this._keySig = null
      this._picks = {}
      const doneNotice = `${d.selected.text}：已录入，等待监委会确认`
      this.setData(Object.assign(emptyForm(), { busy: '', doneNotice }))
      wx.showToast({ title: '已录入', icon: 'success' })
      // 重读名单：这户现在由后端标着“待确认”（paper_pending）
      await Promise.all([this.loadFirstPage(), this.loadEntered()])
    },
  }),
})
