// 我的表决：GET /polls/mine，我（我家）能投的、正在投票的，和 30 天内公示的，新的在前；
// 拉到底加载更多，下拉刷新。每条显示题目、状态、表决方式、截止时间、我家投了没有（my_ballot；户里不是投票人的
// 成员看 household_voted：“本户已投票”）、投票进度；点一条打开详情。
// 监委会、社区工作人员、业委会、楼栋长、网格员还能切到“本社区全部”（GET /communities/{id}/polls）：
// 他们要监督、录纸质票的表决，自己不一定在投票范围内（草稿只有管表决的看得到）。
// 社区工作人员、业委会有“发起表决”（去发起表决页；列表没有后端的标记，按角色显示，能不能建由后端说了算）。
// 页面用 Component 构造器编写，生命周期（onLoad 等）写在 methods 里。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const auth = require('../../utils/auth')
const polls = require('../../utils/polls')
const { pagedList } = require('../../utils/paged-list')

function toItem(p, now) {
  return {
    id: p.id,
    title: p.title || '',
    status: p.status || '',
    statusLabel: p.status_label || '',
    electorateLabel: p.electorate_label || '',
    closesText: polls.timeText(p.closes_at, now),
    closed: p.status === 'closed' || p.status === 'cancelled',
    inElectorate: Boolean(p.in_electorate),
    voteText: polls.myVoteText(p),
    voted: Boolean(p.my_ballot || p.household_voted),
    turnoutText: polls.turnoutText(p),
  }
}

const list = pagedList({
  fetch(cursor) {
    const query = cursor ? { cursor, limit: 20 } : { limit: 20 }
    if (this.data.scope === 'community' && this.data.communityId) {
      return api.get(`/communities/${this.data.communityId}/polls`, query, { silent: true })
    }
    return api.get('/polls/mine', query, { silent: true })
  },
  toItem,
  refreshOnShow: true, // 投完票回来，“未投票”要变成“已投票”
})

Component({
  behaviors: [elder.behavior],
  data: {
    items: [],
    nextCursor: null,
    loading: false,
    loaded: false,
    loadError: '',
    scope: 'mine',
    communityId: null,
    canDraft: false,
  },

  methods: Object.assign({}, list, {
    // 进页面：先看角色（能不能看本社区全部），再读列表
    async start() {
      await this.loadUser()
      return this.loadFirstPage()
    },

    async loadUser() {
      try {
        const user = await auth.currentUser('roles')
        this.setData({ communityId: polls.communityListId(user), canDraft: polls.canDraftPolls(user) })
      } catch (err) {
        this.setData({ communityId: null, canDraft: false })
      }
    },

    onPickScope(e) {
      const scope = e.currentTarget.dataset.scope
      if (!scope || scope === this.data.scope) return Promise.resolve()
      this.setData({ scope, items: [], nextCursor: null, loaded: false, loadError: '' })
      return this.loadFirstPage()
    },

    goNew() {
      wx.navigateTo({ url: `/pages/poll-new/poll-new?community=${this.data.communityId}` })
    },

    onTapItem(e) {
      wx.navigateTo({ url: `/pages/poll/poll?id=${e.currentTarget.dataset.id}` })
    },
  }),
})
