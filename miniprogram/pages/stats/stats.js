// 诉求统计（社区工作人员、议事会成员）：选一段时间（默认本月 1 日到今天），
// GET /communities/{id}/matter-stats 给的数字照写：总数、大事/小事/私事/未分类、各网格（横条按最大值比例）、
// 办结天数中位数、满意度；“下载三事归类单”用 wx.downloadFile（带 Authorization）取 .xlsx，再 wx.openDocument 打开。
// 社区 id 取 staff / council_member 角色的 scope（和三事分流一样）。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const auth = require('../../utils/auth')
const matters = require('../../utils/matters')
const { API_BASE } = require('../../config')

const CLASS_KEYS = matters.CLASS_ORDER.concat(['unclassified'])

function pad2(n) {
  return n < 10 ? `0${n}` : String(n)
}

function ymd(d) {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`
}

// {名称: 数} → [{label, count, width}]，width 是相对最大值的百分比（至少 2%，有数就看得见）
function bars(entries) {
  const max = Math.max(1, ...entries.map(e => e.count))
  return entries.map(e => Object.assign({}, e, { width: e.count ? Math.max(2, Math.round((e.count / max) * 100)) : 0 }))
}

Component({
  behaviors: [elder.behavior],
  data: {
    allowed: true,
    from: '',
    to: '',
    loading: false,
    loadError: '',
    stats: null,
    downloading: false,
  },

  methods: {
    async onLoad() {
      if (!api.getToken()) {
        wx.reLaunch({ url: '/pages/login/login' })
        return
      }
      const today = new Date()
      this.setData({ from: ymd(new Date(today.getFullYear(), today.getMonth(), 1)), to: ymd(today) })
      try {
        const user = await auth.currentUser('roles')
        this._communityId = matters.triageCommunityId(user)
        if (!matters.canTriage(user) || !this._communityId) {
          this.setData({ allowed: false })
          return
        }
      } catch (err) {
        this.setData({ loadError: err.message })
        return
      }
      await this.loadStats()
    },

    onPickFrom(e) {
      this.setData({ from: e.detail.value })
      return this.loadStats()
    },

    onPickTo(e) {
      this.setData({ to: e.detail.value })
      return this.loadStats()
    },

    async loadStats() {
      this.setData({ loading: true })
      try {
        const s = await api.get(`/communities/${this._communityId}/matter-stats`, { from: this.data.from, to: this.data.to }, { silent: true })
        const satisfaction = s.satisfaction || {}
        this.setData({
          loadError: '',
          stats: {
            total: s.total,
            byClass: bars(CLASS_KEYS.map(key => ({ key, label: matters.classLabel(key) || '未分类', count: (s.by_class || {})[key] || 0 }))),
            byGrid: bars(Object.keys(s.by_grid || {}).map(name => ({ key: name, label: name, count: s.by_grid[name] }))),
            medianDays: s.median_days_to_resolution === null ? '' : String(s.median_days_to_resolution),
            ratingCount: satisfaction.count || 0,
            ratingAverage: satisfaction.average === null || satisfaction.average === undefined ? '' : String(satisfaction.average),
          },
        })
      } catch (err) {
        this.setData({ loadError: err.message })
      } finally {
        this.setData({ loading: false })
      }
    },

    onDownloadSheet() {
      if (this.data.downloading) return
      this.setData({ downloading: true })
      const done = message => {
        this.setData({ downloading: false })
        if (message) wx.showToast({ title: message, icon: 'none' })
      }
      wx.downloadFile({
        url: `${API_BASE}/communities/${this._communityId}/triage-sheet?from=${this.data.from}&to=${this.data.to}`,
        header: { Authorization: `Bearer ${api.getToken()}` },
        success: res => {
          if (res.statusCode !== 200) {
            done('下载失败，请稍后再试')
            return
          }
          wx.openDocument({
            filePath: res.tempFilePath,
            fileType: 'xlsx',
            showMenu: true,
            success: () => done(''),
            fail: () => done('打不开表格'),
          })
        },
        fail: () => done(api.NETWORK_ERROR_MESSAGE),
      })
    },

    retry() {
      this.setData({ loadError: '' })
      return this._communityId ? this.loadStats() : this.onLoad()
    },
  },
})
