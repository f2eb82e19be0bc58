// 会议详情：GET /meetings/{id}。本页路径 /pages/meeting/meeting?id=N（会议通知、提醒的 page 都指向这里）。
//
// 所有人：标题、种类、阶段、时间、地点、说明、议程。
// 操作只按后端给的 can 显示（后端检查操作用的是同一套规则，app/meetings/access.py），没有 can（旧版后端）时一个也不显示：
// - 回复（reply）：参加 / 可能参加 / 不参加，参加时选几个人（POST /meetings/{id}/reply）。
//   点回复按钮时第一件事（同步地）请用户开启“会议通知”“会前提醒”的微信提醒，模板在 onShow 时取好。
//   报名满了后端回 409 meeting_full，api.js 弹出后端的说明。
// - 扫码签到（check_in）：wx.scanCode 扫会场的签到码 → POST /meetings/checkins {scene}。
//   小程序码的 scene 在 res.path 的 scene= 里（URL 编码过），普通二维码在 res.result 里（utils/meetings.js）。
// - 组织者：发布（publish）、改时间地点（reschedule）、取消（cancel，要写原因）；回复情况（manage：各项人数 + 还没回复的住户），
//   “再次通知”（resend，带幂等键）；给没回复、没手机的住户“代签到”（check_in_by_hand）；
//   显示签到码（checkin_code：小程序码图片；开发环境没有图片时显示签到码文字），页面显示期间每 5 分钟换一次，
//   页面隐藏、关闭时停掉；写会议纪要和决定（record_minutes，决定可以关联诉求并“推进诉求”），再“发布公示”（publish_minutes）。
// - 代办（楼栋长、网格员、社区工作人员，和有“替家里回复开会”权利的家人代办，会议发布后）：选一户（components/household-picker），替这户回复
//   （POST /meetings/{id}/reply 带 on_behalf_of_household_id）或代签到（POST /meetings/{id}/manual-checkins，
//   任何被邀请的住户）。能不能替这户办由后端判断，不行时 api.js 弹出说明。“换一户”“不代办了”随时可以退回。
// 操作成功后用后端返回的会议（带新的 can）刷新；不允许的操作回 403/409，api.js 弹出后端的中文说明；409 时重新读取会议。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const ui = require('../../utils/ui')
const subscribe = require('../../utils/subscribe')
const meetings = require('../../utils/meetings')
const households = require('../../utils/households')
const detailPage = require('../../utils/detail-page')
const { fromScan: sceneFromScan } = require('../../utils/scene')
const { formatMeetingTime, meetingPickerValues, meetingIso } = require('../../utils/format')

// 点回复时请用户开启的提醒
const REMINDER_KINDS = ['meeting_invitation', 'meeting_reminder']

function emptyForms() {
  return {
    formError: '',
    rescheduleOpen: false,
    newDate: '',
    newTime: '',
    newPlace: '',
    cancelOpen: false,
    cancelReason: '',
  }
}

let decisionSeq = 0
function newDecision() {
  decisionSeq += 1
  return { key: `d${decisionSeq}`, text: '', matterIdText: '', progress: false }
}

Component({
  behaviors: [elder.behavior],
  data: Object.assign(
    {
      id: null,
      loaded: false,
      loadError: '',
      meeting: null,
      agenda: [],
      can: {},
      busy: '',
      today: '',

      // 我家
      invited: false,
      started: false,
      myReply: '',
      myReplyText: '',
      replyOptions: meetings.REPLY_ORDER.map(code => ({ code, label: meetings.REPLY_LABELS[code] })),
      replyPeople: 1,
      maxPeople: meetings.MAX_PEOPLE,
      present: false,
      replyOnBehalf: '',
      presentOnBehalf: '',

      // 代办
      canActFor: false,
      actPicking: false,
      actFor: null,
      actPeople: 1,

      // 组织者
      replies: null,
      unanswered: [],
      repliesError: '',
      codeShown: false,
      code: null,
      codeError: '',
      minutesText: '',
      decisions: [],
    },
    emptyForms(),
  ),

  methods: {
    onLoad(query) {
      this._signed = {}
      const id = detailPage.queryId(this, query, '会议编号不对')
      if (!id) return Promise.resolve()
      this.setData({ id, today: meetingPickerValues(Date.now()).date, canActFor: households.canActFor(api.getUser(), 'reply_meetings') })
      return this.loadAll()
    },

    // 提醒模板在显示页面时取好，点回复时直接用（微信要求授权框由点击同步触发）；
    // 签到码在页面重新显示时接着刷新
    onShow() {
      const tasks = [this.loadConsents()]
      if (this.data.codeShown && !this._codeTimer) {
        tasks.push(this.loadCode())
        this.startCodeTimer()
      }
      return Promise.all(tasks)
    },

    onHide() {
      this.stopCodeTimer()
    },

    onUnload() {
      this._unloaded = true
      this.stopCodeTimer()
    },

    onPullDownRefresh() {
      return this.loadAll().then(() => wx.stopPullDownRefresh())
    },

    async loadAll() {
      if (await this.loadMeeting()) await this.loadReplies()
    },

    async loadConsents() {
      try {
        this._consents = await subscribe.loadConsents({ silent: true })
      } catch (err) {
        this._consents = null
      }
    },

    async loadMeeting() {
      return Boolean(await detailPage.loadShown(this, api.get(`/meetings/${this.data.id}`, undefined, { silent: true }), this.showMeeting))
    },

    showMeeting(m) {
      const now = Date.now()
      this._meeting = m
      const can = m.can || {}
      const view = {
        id: m.id,
        title: m.title || '',
        kindLabel: meetings.kindLabel(m.kind),
        stageLabel: meetings.stageLabel(m.stage),
        status: m.status,
        statusLabel: meetings.statusLabel(m, now),
        timeText: formatMeetingTime(m.starts_at, now, m.ends_at),
        place: m.place || '',
        description: m.description || '',
        capacity: m.capacity || 0,
        invited: m.invited || 0,
        attended: m.attended || 0,
        minutes: m.minutes || '',
      }
      const agenda = (m.agenda || []).map(a => ({
        position: a.position,
        text: a.text || '',
        matterIds: a.matter_ids || [],
      }))
      const people = m.my_reply && m.my_reply !== 'decline' && m.my_people > 0 ? m.my_people : this.data.replyPeople
      const update = {
        loaded: true,
        meeting: view,
        agenda,
        can,
        invited: meetings.isInvited(m),
        started: meetings.hasStarted(m, now),
        myReply: m.my_reply || '',
        myReplyText: meetings.myReplyText(m),
        replyPeople: Math.max(1, Math.min(meetings.MAX_PEOPLE, people || 1)),
        present: Boolean(m.present),
        // 别人替我家回复、签到的：后端写好的“由张三（楼栋长）代办”
        replyOnBehalf: m.my_reply_on_behalf || '',
        presentOnBehalf: m.present_on_behalf || '',
      }
      // 纪要：第一次显示时把已保存的纪要放进编辑框
      if (can.record_minutes && !this._minutesPrefilled) {
        this._minutesPrefilled = true
        update.minutesText = m.minutes || ''
        update.decisions = [newDecision()]
      }
      if (!can.checkin_code && this.data.codeShown) {
        this.stopCodeTimer()
        update.codeShown = false
      }
      this.setData(update)
    },

    // ---------- 小工具 ----------

    onFieldInput(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value, formError: '' })
    },

    fail(message) {
      this.setData({ formError: message })
      return Promise.resolve()
    },

    // 执行一个操作：成功后用后端返回的会议（带新的 can）刷新页面；409（状态变了、已开始、报名满了）时重新读取
    async run(name, send, successText, after) {
      if (this.data.busy) return false
      this.setData({ busy: name, formError: '' })
      try {
        const meeting = await send()
        if (this._unloaded) return false
        this.showMeeting(meeting)
        if (after) after(meeting)
        wx.showToast({ title: successText || '已提交', icon: 'success' })
        return true
      } catch (err) {
        // api.js 已经弹出后端的中文说明（比如“报名人数已满”）
        this.setData({ formError: err.message || '' })
        if (err.status === 409) await this.loadMeeting()
        return false
      } finally {
        this.setData({ busy: '' })
      }
    },

    confirm: ui.confirm,

    // ---------- 我家：回复、人数、签到 ----------

    onPeopleMinus() {
      if (!this.data.can.reply) return
      this.setData({ replyPeople: Math.max(1, this.data.replyPeople - 1) })
    },

    onPeoplePlus() {
      if (!this.data.can.reply) return
      this.setData({ replyPeople: Math.min(meetings.MAX_PEOPLE, this.data.replyPeople + 1) })
    },

    // 点“参加 / 可能参加 / 不参加”。微信要求订阅授权框由点击直接触发：第一件事就同步调用，前面不能有 await。
    onReplyTap(e) {
      let asking = Promise.resolve()
      if (this._consents && !this._askedConsent) {
        this._askedConsent = true // 这次打开页面只问一次
        asking = subscribe
          .requestConsents(REMINDER_KINDS, this._consents)
          .then(list => {
            this._consents = list
          })
          .catch(() => {})
      }
      const reply = e.currentTarget.dataset.reply
      if (!this.data.can.reply || !meetings.REPLY_LABELS[reply]) return asking
      const body = { reply, people: reply === 'decline' ? 0 : this.data.replyPeople }
      // 回复是“把我家的回复设成这样”，重发无害：带幂等键，网络不好时 api.js 会自动重试
      const key = api.newIdempotencyKey()
      const sending = this.run('reply', () => api.post(`/meetings/${this.data.id}/reply`, body, { idempotencyKey: key }), '已回复')
      return Promise.all([asking, sending])
    },

    // 扫会场的签到码
    onScanTap() {
      if (this.data.busy) return Promise.resolve()
      return new Promise(resolve => {
        wx.scanCode({
          onlyFromCamera: true,
          scanType: ['wxCode', 'qrCode'],
          success: resolve,
          fail: () => resolve(null), // 用户取消
        })
      }).then(res => {
        if (!res) return undefined
        const scene = sceneFromScan(res)
        if (!scene) return this.fail('这不是会议签到码，请扫会场上的签到码')
        return this.checkIn(scene)
      })
    },

    async checkIn(scene) {
      if (this.data.busy) return
      this.setData({ busy: 'checkin', formError: '' })
      try {
        // 重复签到无害（后端只记第一次）：带幂等键，网络不好时 api.js 会自动重试
        const meeting = await api.post('/meetings/checkins', { scene }, { idempotencyKey: api.newIdempotencyKey() })
        if (this._unloaded) return
        wx.showToast({ title: '已签到', icon: 'success' })
        if (meeting.id !== this.data.id) {
          // 扫的是别的会的签到码：签到照样成功，打开那个会
          wx.redirectTo({ url: `/pages/meeting/meeting?id=${meeting.id}` })
          return
        }
        this.showMeeting(meeting)
      } catch (err) {
        this.setData({ formError: err.message || '签到没有成功' })
      } finally {
        this.setData({ busy: '' })
      }
    },

    goMatter(e) {
      wx.navigateTo({ url: `/pages/matter/matter?id=${e.currentTarget.dataset.id}` })
    },

    // ---------- 组织者：发布、改期、取消 ----------

    async onPublish() {
      if (this.data.busy) return
      const ok = await this.confirm('发布会议', '发布后会通知范围内的住户，并在会前 24 小时、1 小时提醒大家。确定发布吗？', '发布')
      if (!ok) return
      const done = await this.run('publish', () => api.post(`/meetings/${this.data.id}/publish`), '已发布')
      if (done) await this.loadReplies()
    },

    onToggleReschedule() {
      if (this.data.rescheduleOpen) {
        this.setData({ rescheduleOpen: false, formError: '' })
        return
      }
      const m = this._meeting
      const start = meetingPickerValues(m.starts_at)
      this.setData({ rescheduleOpen: true, cancelOpen: false, newDate: start.date, newTime: start.time, newPlace: m.place || '', formError: '' })
    },

    onNewDateChange(e) {
      this.setData({ newDate: e.detail.value, formError: '' })
    },

    onNewTimeChange(e) {
      this.setData({ newTime: e.detail.value, formError: '' })
    },

    onReschedule() {
      const d = this.data
      const m = this._meeting
      const startsAt = meetingIso(d.newDate, d.newTime)
      if (!startsAt) return this.fail('请选新的日期和时间')
      const start = Date.parse(startsAt)
      if (start <= Date.now()) return this.fail('新的开会时间要在将来')
      const place = d.newPlace.trim()
      if (!place) return this.fail('请填开会的地点')
      const body = { starts_at: startsAt }
      // 后端改期时不给结束时间就清掉它：原来有结束时间的，保持会议时长不变
      const oldStart = Date.parse(m.starts_at)
      const oldEnd = Date.parse(m.ends_at || '')
      if (!Number.isNaN(oldEnd) && oldEnd > oldStart) {
        const end = meetingPickerValues(start + (oldEnd - oldStart))
        body.ends_at = meetingIso(end.date, end.time)
      }
      if (place !== m.place) body.place = place
      return this.run('reschedule', () => api.post(`/meetings/${this.data.id}/reschedule`, body), '已改期', () => {
        this.setData({ rescheduleOpen: false })
      })
    },

    onToggleCancel() {
      this.setData({ cancelOpen: !this.data.cancelOpen, rescheduleOpen: false, formError: '' })
    },

    async onCancelMeeting() {
      if (this.data.busy) return
      const reason = this.data.cancelReason.trim()
      if (!reason) return this.fail('请写明取消的原因，会一起告诉大家')
      const ok = await this.confirm('取消会议', '取消后会通知所有被邀请的住户，确定取消这次会议吗？', '取消会议')
      if (!ok) return
      await this.run('cancel', () => api.post(`/meetings/${this.data.id}/cancel`, { reason }), '已取消', () => {
        this.setData({ cancelOpen: false, cancelReason: '' })
      })
    },

    // ---------- 组织者：回复情况、再次通知、代签到 ----------

    async loadReplies() {
      if (!this.data.can.manage) return
      try {
        const res = await api.get(`/meetings/${this.data.id}/replies`, undefined, { silent: true })
        if (this._unloaded) return
        this.setData({
          replies: {
            invited: res.invited || 0,
            attend: res.attend || 0,
            maybe: res.maybe || 0,
            decline: res.decline || 0,
            unanswered: res.unanswered || 0,
            peopleAttending: res.people_attending || 0,
            present: res.present || 0,
          },
          unanswered: (res.unanswered_households || []).map(h => ({
            householdId: h.household_id,
            text: meetings.householdText(h),
            wechat: h.wechat_label || '',
            signed: Boolean(this._signed[h.household_id]),
          })),
          repliesError: '',
        })
      } catch (err) {
        this.setData({ repliesError: err.message || '回复情况没有加载出来' })
      }
    },

    // 再次通知还没回复的住户。幂等键一直用到成功为止：没收到结果再点一次，不会重复通知
    async onResend() {
      if (this.data.busy) return
      const count = (this.data.replies && this.data.replies.unanswered) || 0
      const ok = await this.confirm('再次通知', `再给还没回复的 ${count} 户发一次通知？`, '发通知')
      if (!ok) return
      this._resendKey = this._resendKey || api.newIdempotencyKey()
      this.setData({ busy: 'resend', formError: '' })
      try {
        const res = await api.post(`/meetings/${this.data.id}/resend`, undefined, { idempotencyKey: this._resendKey })
        this._resendKey = null
        wx.showToast({ title: `已通知 ${(res && res.notified) || 0} 人`, icon: 'success' })
      } catch (err) {
        this.setData({ formError: err.message || '通知没有发出去' })
      } finally {
        this.setData({ busy: '' })
      }
    },

    // 代签到：没有手机的住户到了会场，由组织者替他签到（后端记为“代签”）
    async onManualCheckin(e) {
      if (this.data.busy) return
      const householdId = Number(e.currentTarget.dataset.id)
      const row = this.data.unanswered.find(h => h.householdId === householdId)
      const ok = await this.confirm('代签到', `确认 ${row ? row.text : `${householdId}号住户`} 已经到会？`, '已到会')
      if (!ok) return
      const done = await this.run(
        'manual',
        () => api.post(`/meetings/${this.data.id}/manual-checkins`, { household_id: householdId }, { idempotencyKey: api.newIdempotencyKey() }),
        '已代签到',
        () => {
          this._signed[householdId] = true
          this.setData({ unanswered: this.data.unanswered.map(h => (h.householdId === householdId ? Object.assign({}, h, { signed: true }) : h)) })
        },
      )
      if (done) await this.loadReplies()
    },

    // ---------- 代办：替一户回复、代签到 ----------

    onStartActing() {
      this.setData({ actPicking: true })
    },

    onPickActFor(e) {
      const h = e.detail
      // 家人代办只能替家里回复，签到要到场的楼栋长、工作人员代
      this.setData({ actPicking: false, actFor: { id: h.id, text: households.pickedText(h), helper: Boolean(h.helper) }, actPeople: 1 })
    },

    onStopActing() {
      this.setData({ actPicking: false, actFor: null })
    },

    onActPeopleMinus() {
      this.setData({ actPeople: Math.max(1, this.data.actPeople - 1) })
    },

    onActPeoplePlus() {
      this.setData({ actPeople: Math.min(meetings.MAX_PEOPLE, this.data.actPeople + 1) })
    },

    // 替这户回复：和自己家回复一样“设成这样”，重发无害，带幂等键
    onActReplyTap(e) {
      const reply = e.currentTarget.dataset.reply
      const actFor = this.data.actFor
      if (!actFor || !meetings.REPLY_LABELS[reply]) return Promise.resolve()
      const people = reply === 'decline' ? 0 : this.data.actPeople
      const key = api.newIdempotencyKey()
      return this.run(
        'act-reply',
        () => api.post(`/meetings/${this.data.id}/reply`, { reply, people, on_behalf_of_household_id: actFor.id }, { idempotencyKey: key }),
        `已替这户回复${meetings.REPLY_LABELS[reply]}`,
      )
    },

    async onActCheckin() {
      const actFor = this.data.actFor
      if (!actFor || this.data.busy) return
      const ok = await this.confirm('代签到', `确认 ${actFor.text} 已经到会？`, '已到会')
      if (!ok) return
      const done = await this.run(
        'act-checkin',
        () => api.post(`/meetings/${this.data.id}/manual-checkins`, { household_id: actFor.id }, { idempotencyKey: api.newIdempotencyKey() }),
        '已代签到',
      )
      if (done && this.data.can.manage) await this.loadReplies()
    },

    // ---------- 组织者：签到码 ----------

    onShowCode() {
      this.setData({ codeShown: true, codeError: '' })
      this.startCodeTimer()
      return this.loadCode()
    },

    onHideCode() {
      this.stopCodeTimer()
      this.setData({ codeShown: false })
    },

    async loadCode() {
      try {
        const res = await api.get(`/meetings/${this.data.id}/checkin-code`, undefined, { silent: true })
        if (this._unloaded || !this.data.codeShown) return
        this.setData({
          code: {
            scene: res.scene || '',
            image: res.image_png_base64 ? `data:image/png;base64,${res.image_png_base64}` : '',
          },
          codeError: '',
        })
      } catch (err) {
        this.setData({ codeError: err.message || '签到码没有取到' })
      }
    },

    // 签到码每 10 分钟换一次（后端认当前和上一个），页面显示期间每 5 分钟取一次新的
    startCodeTimer() {
      this.stopCodeTimer()
      this._codeTimer = setInterval(() => this.loadCode(), meetings.CODE_REFRESH_MS)
    },

    stopCodeTimer() {
      if (this._codeTimer) clearInterval(this._codeTimer)
      this._codeTimer = null
    },

    // ---------- 组织者：会议纪要、公示 ----------

    onAddDecision() {
      this.setData({ decisions: this.data.decisions.concat([newDecision()]), formError: '' })
    },

    onRemoveDecision(e) {
      const index = Number(e.currentTarget.dataset.index)
      this.setData({ decisions: this.data.decisions.filter((_, i) => i !== index) })
    },

    onDecisionInput(e) {
      const { index, field } = e.currentTarget.dataset
      this.setData({ [`decisions[${index}].${field}`]: e.detail.value, formError: '' })
    },

    onToggleProgress(e) {
      const index = Number(e.currentTarget.dataset.index)
      this.setData({ [`decisions[${index}].progress`]: !this.data.decisions[index].progress, formError: '' })
    },

    minutesBody() {
      const minutes = this.data.minutesText.trim()
      if (!minutes) return { error: '请写会议纪要：说了什么、定了什么' }
      const decisions = []
      for (let i = 0; i < this.data.decisions.length; i++) {
        const d = this.data.decisions[i]
        const text = d.text.trim()
        const idText = String(d.matterIdText || '').trim().replace(/^#/, '')
        if (!text) {
          if (idText || d.progress) return { error: `第 ${i + 1} 条决定还没写内容` }
          continue
        }
        const decision = { text }
        if (idText) {
          const matterId = Number(idText)
          if (!Number.isInteger(matterId) || matterId <= 0) return { error: `第 ${i + 1} 条决定的诉求编号不对` }
          decision.matter_id = matterId
          if (d.progress) decision.matter_action = { action: 'progress' }
        } else if (d.progress) {
          return { error: `第 ${i + 1} 条决定要推进诉求，请填诉求编号` }
        }
        decisions.push(decision)
      }
      return { body: { minutes, decisions } }
    },

    // 保存纪要。后端每保存一次就把决定记一次（推进诉求也会再推进一次），所以不自动重试，保存后清空决定
    onSaveMinutes() {
      const { body, error } = this.minutesBody()
      if (error) return this.fail(error)
      return this.run('minutes', () => api.post(`/meetings/${this.data.id}/minutes`, body), '纪要已保存', () => {
        this.setData({ decisions: [newDecision()] })
      })
    },

    async onPublishMinutes() {
      if (this.data.busy) return
      const ok = await this.confirm('发布公示', '纪要会发给所有被邀请的住户，会议随之结束，之后不能再改。确定发布吗？', '发布')
      if (!ok) return
      await this.run('publishMinutes', () => api.post(`/meetings/${this.data.id}/publish-minutes`), '已公示')
    },

    retry() {
      this.setData({ loadError: '' })
      return this.loadAll()
    },
  },
})
