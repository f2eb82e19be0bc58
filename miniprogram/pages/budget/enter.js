// 替住户录入参与式预算的投票：/pages/budget/enter?round_id=N（预算页投票中的“替住户录入”）。
// 家里没有手机、不会用手机的老人，由照看这户的楼栋长、网格员、社区工作人员替他们投
// （后端 Act.BUDGET_BALLOT；家人代办不能替家里投票，所以选户组件不列“我代办的人家”）。
// - 读这一轮（GET /budget-rounds/{id}）：不在投票中、我不照看住户（utils/households.js 的 canLookAfter）时只写说明。
// - 先列出我照看的住户里还没投票的（GET /budget-rounds/{id}/electors?voted=false，每次 50 户、“更多”），
//   点一户就选它；独居老人写在地址后面。也可以在下面按楼栋找（components/household-picker：
//   我照看的楼栋，GET /buildings/{id}/households）。
// - 勾这户赞成的项目：和本户投票同一套勾选和合计（utils/budget.js），放不下的变灰、写明为什么。
// - ui.confirm 念出这户的地址和选了什么，再 POST /budget-rounds/{id}/ballot {project_ids, on_behalf_of_household_id}，
//   幂等键跟着这户和这份选择走（api.keyForBody）：网络断了自动重试、再点一次，后端记的都是这一票。
// - 后端不收时把它的说明写在按钮上面（409 这户已经自己投过票、403 不归您照看或不在投票范围、422 超过预算）；
//   投票结束了（409）重新读取。录好了写“已替 某某 录入”，回到选户，还没投票的重新读，录下一户。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const ui = require('../../utils/ui')
const budget = require('../../utils/budget')
const households = require('../../utils/households')
const detailPage = require('../../utils/detail-page')
const { yuanText, formatMeetingTime, formatHouseAddress } = require('../../utils/format')

const WAITING_PAGE = 50

// 还没投票的一户 → 列表的一行，和选户组件点一户给的一样（id、address、headName）
function toWaiting(e) {
  const address = formatHouseAddress(e)
  const headName = e.head_name || ''
  return {
    id: e.household_id,
    address,
    headName,
    text: [address, headName, e.elderly_alone ? '独居老人' : ''].filter(Boolean).join(' · '),
  }
}

Component({
  behaviors: [elder.behavior],
  data: {
    id: null,
    loaded: false,
    loadError: '',
    round: null,
    voting: false,
    canEnter: false,
    household: null,
    ballot: null,
    busy: '',
    formError: '',
    doneNotice: '',
    waiting: [],
    waitingCursor: null,
  },

  methods: {
    onLoad(query) {
      this._selected = []
      const id = detailPage.queryId(this, query, '预算编号不对', { key: 'round_id' })
      if (!id) return Promise.resolve()
      this.setData({ id })
      return this.load()
    },

    load() {
      return detailPage.loadShown(this, api.get(`/budget-rounds/${this.data.id}`, undefined, { silent: true }), this.show)
    },

    show(r) {
      this._round = r
      const voting = r.status === 'voting'
      this.setData({
        loaded: true,
        round: {
          title: r.title || '',
          statusLabel: r.status_label || '',
          budgetText: yuanText(r.budget_fen),
          votingUntil: voting && r.voting_until ? formatMeetingTime(r.voting_until, Date.now()) : '',
          turnoutText: `已投 ${r.voted || 0} / ${r.electors || 0} 户`,
        },
        voting,
        canEnter: voting && households.canLookAfter(api.getUser()),
      })
      this.renderBallot()
      if (this.data.canEnter) this.loadWaiting()
    },

    // 还没投票的：读不到（网络、不归我照看）就不列，下面按楼栋找照样能录
    async loadWaiting(more) {
      const cursor = more ? this.data.waitingCursor : null
      let res
      try {
        res = await api.get(`/budget-rounds/${this.data.id}/electors`,
          cursor ? { voted: false, limit: WAITING_PAGE, cursor } : { voted: false, limit: WAITING_PAGE }, { silent: true })
      } catch (err) {
        return
      }
      const items = ((res && res.items) || []).map(toWaiting)
      this.setData({
        waiting: more ? this.data.waiting.concat(items) : items,
        waitingCursor: (res && res.next_cursor) || null,
      })
    },

    onMoreWaiting() {
      if (this.data.waitingCursor) return this.loadWaiting(true)
    },

    onPickWaiting(e) {
      const h = this.data.waiting.find(item => item.id === Number(e.currentTarget.dataset.id))
      if (h) this.onPickHousehold({ detail: h })
    },

    renderBallot(error) {
      const ballot = this.data.household && this.data.voting
        ? budget.ballotView(budget.votable(this._round), this._selected, this._round.budget_fen)
        : null
      this.setData({ ballot, formError: error || '' })
    },

    onPickHousehold(e) {
      const h = e.detail
      this._selected = []
      this._key = null
      this._keySig = null
      this.setData({
        household: { id: h.id, address: h.address, text: households.pickedText(h) },
        doneNotice: '',
      })
      this.renderBallot()
    },

    // 选户组件的“不代办了”：回预算页
    onCancelPicking() {
      wx.navigateBack()
    },

    onChangeHousehold() {
      if (this.data.busy) return
      this._selected = []
      this.setData({ household: null })
      this.renderBallot()
    },

    onToggleProject(e) {
      if (!this.data.ballot || this.data.busy) return
      // 放不下的不勾上：合计永远不超过预算
      const { selected, error } = budget.toggleChoice(this.data.ballot, this._selected, Number(e.currentTarget.dataset.id))
      this._selected = selected
      this.renderBallot(error)
    },

    async onSubmit() {
      if (this.data.busy || !this.data.ballot) return
      const h = this.data.household
      const { ids, lines } = budget.chosen(this.data.ballot)
      if (!ids.length) {
        this.renderBallot('请至少勾选一个这户赞成的项目')
        return
      }
      const ok = await ui.confirm(
        '确认替住户录入',
        `住户：${h.text}\n这户赞成：\n${lines.join('\n')}\n${this.data.ballot.summary}`,
        '确认录入',
      )
      if (!ok) return
      const r = await budget.sendBallot(this, { project_ids: ids, on_behalf_of_household_id: h.id }, {
        busy: 'enter', fallback: '没有录入成功，请稍后再试', reloadOn: [409],  // 投票结束了、这户刚刚自己投了
      })
      if (!r) return
      this.setData({ busy: '', household: null, doneNotice: `已替 ${h.address} 录入` })
      this.show(r)
      wx.showToast({ title: '已录入', icon: 'success' })
    },
  },
})
