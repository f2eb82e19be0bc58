// 诉求详情：GET /matters/{id}，显示标题、类别、状态、大事/小事/私事、承办方、期限、说明、地点、
// 反映人（需要时后端已打码）和时间线。下面的操作只按后端给的 can 显示（后端检查操作用的是同一套规则），
// 没有 can（旧版后端）时一个操作也不显示：
// - 撤回（withdraw）；评议（evaluate，1–5 星；7 天内评 1–2 星会退回重新办理）；
// - 分类（classify）/ 重新分类（reclassify，要写理由）、交办（assign，承办方按大事/小事/私事给选项）、合并重复（merge）；
// - 议事会表决分类（class_votes：逐位成员选大事/小事/私事，多数决定）；
// - 更新进展（progress）、办结（resolve）、上报街道（escalate）；留言（comment）。
// 操作成功后用后端返回的诉求（带新的 can）刷新；不允许的操作回 403/409，api.js 弹出后端的中文说明；409 时重新读取诉求。
// 代办：后端说可以代这户评议时（can.evaluate_for：这户的楼栋长、网格员、社区工作人员、家属）也显示评议，
// 提交时带上 on_behalf_of_household_id（这件诉求的住户）；时间线上别人代办的写“由X代办”（on_behalf_label）。
// 本户的诉求：有正在征集提议的参与式预算时，可以“转为预算提案”（去 pages/budget/propose，带上诉求编号）。
// 内容审核（text_check）：刚反映的诉求先交微信审核文字，审核中（checking）只有本户和社区工作人员看得到，
// 页面顶上写“内容审核中”和后端给的说明（text_check_label、text_check_note）；没通过（risky）的已退回，
// 写明原因，本户的给一个“重新反映”。时间线上的退回（hold_back）由 utils/matters.js 的 eventText 写“内容未通过审核，已退回”。
// 本页路径：/pages/matter/matter?id=N（消息里的 page 也指向这里）。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const ui = require('../../utils/ui')
const upload = require('../../utils/upload')
const voice = require('../../utils/voice')
const matters = require('../../utils/matters')
const detailPage = require('../../utils/detail-page')
const { formatRelativeTime, dateText } = require('../../utils/format')
const { readAll } = require('../../utils/paged-list')

const DAY_MS = 24 * 60 * 60 * 1000

function pad2(n) {
  return n < 10 ? `0${n}` : String(n)
}

function localDate(time) {
  const d = new Date(time)
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`
}

function emptyForms() {
  return {
    evalScore: 0,
    evalComment: '',
    commentText: '',
    classifyClass: '',
    classifyReason: '',
    assignType: '',
    departmentIndex: -1,
    dueDate: '',
    userIdText: '',
    handlerName: '',
    teamId: null,
    assignNote: '',
    mergeIntoText: '',
    mergeNote: '',
    handleNote: '',
    councilVotes: {},
    voteReason: '',
    escalateNote: '',
    formError: '',
  }
}

Component({
  behaviors: [elder.behavior],
  data: Object.assign(
    {
      id: null,
      loaded: false,
      loadError: '',
      matter: null,
      timeline: [],
      photos: [],
      voice: null, // 诉求的语音（utils/voice.view）
      voiceState: '', // '' | 'loading' | 'playing'
      can: {},
      busy: '',
      classOptions: [],
      classifyMode: '',
      assignOptions: [],
      departments: [],
      departmentsError: '',
      teams: [],
      teamsError: '',
      council: [],
      councilError: '',
      voteOptions: matters.CLASS_ORDER.map(c => ({ code: c, label: matters.CLASS_LABELS[c] })),
      today: '',
      reopenPossible: false,
      unsatisfiedChosen: false,
      stars: [1, 2, 3, 4, 5],
      budgetRounds: [], // 可以转为预算提案的（正在征集提议的）预算
    },
    emptyForms(),
  ),

  methods: {
    onLoad(query) {
      const id = detailPage.queryId(this, query, '诉求编号不对')
      if (!id) return Promise.resolve()
      this.setData({ id, today: localDate(Date.now()) })
      return this.loadMatter()
    },

    onPullDownRefresh() {
      return this.loadMatter().then(() => wx.stopPullDownRefresh())
    },

    async loadMatter() {
      await detailPage.loadShown(this, api.get(`/matters/${this.data.id}`, undefined, { silent: true }), this.showMatter)
    },

    showMatter(m) {
      const now = Date.now()
      this._matter = m
      const can = m.can || {}
      const resolvedAt = m.resolved_at ? Date.parse(m.resolved_at) : NaN
      const reopenPossible = m.status === 'resolved' && !Number.isNaN(resolvedAt) && now - resolvedAt <= matters.REOPEN_DAYS * DAY_MS
      const classifyMode = can.classify ? 'classify' : can.reclassify ? 'reclassify' : ''
      const classOptions = matters.CLASS_ORDER.filter(c => classifyMode !== 'reclassify' || c !== m.matter_class).map(c => ({
        code: c,
        label: matters.CLASS_LABELS[c],
        hint: matters.CLASS_HINTS[c],
      }))
      const assignOptions = can.assign ? matters.handlerOptions(m.matter_class) : []
      const view = {
        id: m.id,
        title: m.title || '',
        status: m.status,
        statusLabel: m.status_label || '',
        matterClass: m.matter_class || '',
        classLabel: m.class_label || '',
        categoryName: m.category_name || m.category || '',
        handlerText: matters.handlerText(m.handler),
        dueDate: dateText(m.due_date),
        description: m.description || '',
        placeText: m.place_text || '',
        buildingName: m.building_name || '',
        hasLocation: m.latitude !== null && m.latitude !== undefined && m.longitude !== null && m.longitude !== undefined,
        submitterName: m.submitter_name || '',
        submitterPhone: m.submitter_phone || '',
        onBehalf: Boolean(m.on_behalf),
        householdId: m.household_id || null,
        mergedIntoId: m.merged_into_id || null,
        satisfaction: m.satisfaction || 0,
        satisfactionStars: m.satisfaction ? matters.stars(m.satisfaction) : '',
        evaluationComment: m.evaluation_comment || '',
        createdText: formatRelativeTime(m.created_at, now),
        textCheck: m.text_check || '',
        checkLabel: m.text_check_label || '',
        checkNote: m.text_check_note || '',
        reportAgain: Boolean(m.mine) && m.text_check === 'risky',
      }
      const timeline = (m.timeline || []).map(e => ({
        id: e.id,
        action: e.action,
        actionText: matters.eventText(e),
        note: e.note || '',
        actorName: e.actor_name || '',
        onBehalfLabel: e.on_behalf_label || '',
        timeText: formatRelativeTime(e.created_at, now),
        photos: (e.photos || []).map(upload.photoView),
      }))
      const photos = (m.photos || []).map(upload.photoView)
      const keepAssignType = assignOptions.some(o => o.type === this.data.assignType) ? this.data.assignType : ''
      this.setData({
        loaded: true,
        matter: view,
        timeline,
        photos,
        voice: voice.view(m.voice_note),
        can,
        reopenPossible,
        classifyMode,
        classOptions,
        assignOptions,
        assignType: keepAssignType || (assignOptions.length === 1 ? assignOptions[0].type : ''),
      })
      this.prepareAssignLists()
      this.prepareCouncil()
      this.prepareBudgetRounds(m)
    },

    // 社区账本：本户的诉求可以转为预算提案——列出范围里有我家、正在征集提议的预算（GET /budget-rounds/mine），
    // 每个一个“转为预算提案”（去 pages/budget/propose?round_id=&matter_id=）。读一次；读不到就不显示。
    async prepareBudgetRounds(m) {
      if (!m.mine || ['withdrawn', 'merged'].includes(m.status) || this._roundsAsked) return
      this._roundsAsked = true
      try {
        const res = await api.get('/budget-rounds/mine', undefined, { silent: true })
        const rounds = ((res && res.items) || []).filter(r => r.status === 'proposing').map(r => ({ id: r.id, title: r.title || '' }))
        this.setData({ budgetRounds: rounds })
      } catch (err) {
        // 静默
      }
    },

    goPropose(e) {
      wx.navigateTo({ url: `/pages/budget/propose?round_id=${e.currentTarget.dataset.id}&matter_id=${this.data.id}` })
    },

    // ---------- 小工具 ----------

    field(e) {
      return e.currentTarget.dataset.field
    },

    // 各种输入框共用：data-field 写着存到哪个字段
    onFieldInput(e) {
      this.setData({ [this.field(e)]: e.detail.value, formError: '' })
    },

    fail(message) {
      this.setData({ formError: message })
      return Promise.resolve()
    },

    // 执行一个操作：成功后用后端返回的诉求（带新的 can）刷新页面并清空表单；409（状态变了）时重新读取
    async run(name, send, successText) {
      if (this.data.busy) return
      this.setData({ busy: name, formError: '' })
      try {
        const matter = await send()
        this.setData(emptyForms())
        this.showMatter(matter)
        wx.showToast({ title: successText || '已提交', icon: 'success' })
      } catch (err) {
        // api.js 已经弹出后端的中文说明
        this.setData({ formError: err.message || '' })
        if (err.status === 409) await this.loadMatter()
      } finally {
        this.setData({ busy: '' })
      }
    },

    confirm: ui.confirm,

    // ---------- 居民：撤回、评议、留言 ----------

    async onWithdraw() {
      if (this.data.busy) return
      if (!(await this.confirm('撤回诉求', '撤回后这件事就不再办理了，确定撤回吗？', '撤回'))) return
      await this.run('withdraw', () => api.post(`/matters/${this.data.id}/withdraw`, { note: '' }), '已撤回')
    },

    onPickStar(e) {
      const score = Number(e.currentTarget.dataset.score)
      this.setData({ evalScore: score, unsatisfiedChosen: score <= matters.UNSATISFIED, formError: '' })
    },

    onEvaluate() {
      const score = this.data.evalScore
      if (!(score >= 1 && score <= 5)) return this.fail('请先点星星打分')
      const body = { satisfaction: score, comment: this.data.evalComment.trim() }
      // 代这户评议：自己家的诉求（can.evaluate）不带
      if (!this.data.can.evaluate && this.data.can.evaluate_for) body.on_behalf_of_household_id = this.data.matter.householdId
      return this.run('evaluate', () => api.post(`/matters/${this.data.id}/evaluate`, body), '谢谢您的评议')
    },

    onComment() {
      const note = this.data.commentText.trim()
      if (!note) return this.fail('请先写留言')
      return this.run('comment', () => api.post(`/matters/${this.data.id}/comments`, { note }), '已留言')
    },

    // ---------- 分类、交办、合并 ----------

    onPickClass(e) {
      this.setData({ classifyClass: e.currentTarget.dataset.code, formError: '' })
    },

    onClassify() {
      const body = { matter_class: this.data.classifyClass, reason: this.data.classifyReason.trim() }
      if (!body.matter_class) return this.fail('请选大事、小事还是私事')
      if (body.reason.length < 2) return this.fail('请写明分类的理由（至少 2 个字）')
      if (this.data.classifyMode === 'reclassify') {
        return this.run('classify', () => api.post(`/matters/${this.data.id}/reclassify`, body), '已重新分类')
      }
      return this.run('classify', () => api.post(`/matters/${this.data.id}/classify`, body), '已分类')
    },

    onPickAssignType(e) {
      this.setData({ assignType: e.currentTarget.dataset.type, formError: '' })
      return this.prepareAssignLists()
    },

    // 选了“职能部门”就读部门列表，选了“义工队”就读本社区的义工队（各读一次）
    prepareAssignLists() {
      const type = this.data.assignType
      if (type === 'department' && !this._departmentsLoaded) return this.loadDepartments()
      if (type === 'volunteer_team' && !this._teamsLoaded) return this.loadTeams()
      return Promise.resolve()
    },

    async loadDepartments() {
      this._departmentsLoaded = true
      try {
        const items = await readAll(cursor => api.get('/departments', { limit: 100, cursor }, { silent: true }))
        this.setData({ departments: items.map(d => ({ id: d.id, name: d.name })), departmentsError: '' })
      } catch (err) {
        this._departmentsLoaded = false
        this.setData({ departmentsError: err.message || '部门列表没有加载出来' })
      }
    },

    async loadTeams() {
      this._teamsLoaded = true
      try {
        const communityId = this._matter.community_id
        const items = await readAll(cursor => api.get(`/communities/${communityId}/volunteer-teams`, { limit: 100, cursor }, { silent: true }))
        this.setData({ teams: items.map(t => ({ id: t.id, name: t.name, description: t.description || '' })), teamsError: '' })
      } catch (err) {
        this._teamsLoaded = false
        this.setData({ teamsError: err.message || '义工队列表没有加载出来' })
      }
    },

    onDepartmentChange(e) {
      this.setData({ departmentIndex: Number(e.detail.value), formError: '' })
    },

    onDueDateChange(e) {
      this.setData({ dueDate: e.detail.value, formError: '' })
    },

    onPickTeam(e) {
      this.setData({ teamId: Number(e.currentTarget.dataset.id), formError: '' })
    },

    assignBody() {
      const d = this.data
      const body = { handler_type: d.assignType, note: d.assignNote.trim() }
      switch (d.assignType) {
        case 'department': {
          const dept = d.departments[d.departmentIndex]
          if (!dept) return { error: '请选承办的职能部门' }
          if (!d.dueDate) return { error: '请选办理期限' }
          if (d.dueDate < d.today) return { error: '办理期限不能早于今天' }
          return { body: Object.assign(body, { department_id: dept.id, due_date: d.dueDate }) }
        }
        case 'grid_worker': {
          const userId = Number(String(d.userIdText).trim())
          if (!Number.isInteger(userId) || userId <= 0) return { error: '请填网格员的用户编号' }
          return { body: Object.assign(body, { user_id: userId }) }
        }
        case 'resident_group':
        case 'market': {
          const name = d.handlerName.trim()
          if (!name) return { error: d.assignType === 'market' ? '请填市场服务的名称' : '请填居民小组的名称' }
          return { body: Object.assign(body, { handler_name: name }) }
        }
        case 'volunteer_team':
          if (!d.teamId) return { error: '请选义工队' }
          return { body: Object.assign(body, { team_id: d.teamId }) }
        case 'committee':
        case 'resident':
          return { body }
        default:
          return { error: '请选交给谁办' }
      }
    },

    onAssign() {
      const { body, error } = this.assignBody()
      if (error) return this.fail(error)
      return this.run('assign', () => api.post(`/matters/${this.data.id}/assign`, body), '已交办')
    },

    async onMerge() {
      if (this.data.busy) return
      const intoId = Number(String(this.data.mergeIntoText).trim())
      if (!Number.isInteger(intoId) || intoId <= 0) return this.fail('请填要合并到的诉求编号')
      if (intoId === this.data.id) return this.fail('不能合并到自己')
      if (!(await this.confirm('合并重复诉求', `把 #${this.data.id} 合并到 #${intoId}？合并后本条不再单独办理。`, '合并'))) return
      const body = { into_id: intoId, note: this.data.mergeNote.trim() }
      await this.run('merge', () => api.post(`/matters/${this.data.id}/merge`, body), '已合并')
    },

    // ---------- 议事会表决分类 ----------

    // 能表决时读一次本社区的议事会成员（给每位成员一行）
    async prepareCouncil() {
      if (!this.data.can.class_votes || this.data.council.length) return
      try {
        const res = await api.get(`/communities/${this._matter.community_id}/council-members`, undefined, { silent: true })
        this.setData({ council: (res.items || []).map(c => ({ userId: c.user_id, name: c.name || `成员 ${c.user_id}` })), councilError: '' })
      } catch (err) {
        this.setData({ councilError: err.message })
      }
    },

    // 再点同一项就取消（没参加或弃权的成员不记票）
    onPickVote(e) {
      const { user, code } = e.currentTarget.dataset
      const votes = Object.assign({}, this.data.councilVotes)
      if (votes[user] === code) delete votes[user]
      else votes[user] = code
      this.setData({ councilVotes: votes, formError: '' })
    },

    onClassVotes() {
      const votes = this.data.council
        .filter(c => this.data.councilVotes[c.userId])
        .map(c => ({ user_id: c.userId, matter_class: this.data.councilVotes[c.userId] }))
      if (!votes.length) return this.fail('请记下每位成员投的是大事、小事还是私事')
      const body = { votes, reason: this.data.voteReason.trim() }
      if (body.reason.length < 2) return this.fail('请写明表决的理由（至少 2 个字）')
      const idempotencyKey = api.keyForBody(this, body)
      return this.run('class_votes', () => api.post(`/matters/${this.data.id}/class-votes`, body, { idempotencyKey }), '已记录表决')
    },

    // ---------- 承办：进展、办结、上报 ----------

    onProgress() {
      const note = this.data.handleNote.trim()
      if (!note) return this.fail('请写明办理进展')
      return this.run('progress', () => api.post(`/matters/${this.data.id}/progress`, { note }), '已更新进展')
    },

    async onResolve() {
      if (this.data.busy) return
      const note = this.data.handleNote.trim()
      if (!note) return this.fail('请写明是怎么办好的')
      if (!(await this.confirm('办结', '确定这件事已经办好了吗？办结后会请居民评议。', '办结'))) return
      await this.run('resolve', () => api.post(`/matters/${this.data.id}/resolve`, { note }), '已办结')
    },

    async onEscalate() {
      if (this.data.busy) return
      const note = this.data.escalateNote.trim()
      if (!note) return this.fail('请写明为什么上报街道')
      if (!(await this.confirm('上报街道', '确定把这件诉求上报街道督办吗？', '上报'))) return
      await this.run('escalate', () => api.post(`/matters/${this.data.id}/escalate`, { note }), '已上报')
    },

    // ---------- 其他 ----------

    onOpenLocation() {
      const m = this._matter
      if (!m || m.latitude == null || m.longitude == null) return
      wx.openLocation({ latitude: Number(m.latitude), longitude: Number(m.longitude), name: m.title, address: m.place_text || '' })
    },

    // data-group：'matter' 是诉求本身的照片，数字是时间线那一行的照片
    onPreviewPhoto(e) {
      const group = e.currentTarget.dataset.group
      const photos = group === 'matter' ? this.data.photos : ((this.data.timeline.find(t => String(t.id) === String(group)) || {}).photos || [])
      wx.previewImage({ urls: photos.map(p => p.url), current: e.currentTarget.dataset.url })
    },

    // 内容没通过审核：改一改，重新反映
    goReportAgain() {
      wx.navigateTo({ url: '/pages/matter-new/matter-new' })
    },

    goMerged() {
      const target = this.data.matter && this.data.matter.mergedIntoId
      if (target) wx.navigateTo({ url: `/pages/matter/matter?id=${target}` })
    },

    // 语音：第一次点时才建播放器（utils/voice.js：带 token 下载，再播放）
    onPlayVoice() {
      if (!this._player) this._player = voice.player(this)
      return this._player.toggle(this.data.voice)
    },

    onUnload() {
      if (this._player) this._player.destroy()
    },

    retry() {
      this.setData({ loadError: '' })
      return this.loadMatter()
    },
  },
})
