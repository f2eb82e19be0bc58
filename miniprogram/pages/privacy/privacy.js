// 我的信息与隐私：再看一遍隐私政策；“下载我的信息”（GET /me/export）显示每一栏有多少条，
// 可以把全部内容复制下来保存；“注销账号”先讲清楚删什么、留什么，要输入“注销账号”四个字、
// 再点确认，才 POST /me/erase。成功（204）后清掉本机登录状态，回到登录页。
// 页面用 Component 构造器编写，生命周期（onLoad 等）写在 methods 里。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const ui = require('../../utils/ui')
const privacy = require('../../utils/privacy')

const NOTICE_LOAD_FAILED = '隐私政策没有加载出来，请检查网络后重新加载'

Component({
  behaviors: [elder.behavior],
  data: {
    noticeLoading: false,
    noticeError: '',
    notice: null,

    exporting: false,
    exportError: '',
    exportedAt: '',
    summary: [], // [{key, label, text}]

    eraseOpen: false,
    eraseInput: '',
    canErase: false, // 输入的正好是“注销账号”
    erasing: false,
    eraseError: '',
    eraseWord: privacy.ERASE_CONFIRMATION,
  },

  methods: {
    onLoad() {
      if (!api.getToken()) {
        wx.reLaunch({ url: '/pages/login/login' })
        return Promise.resolve()
      }
      return this.loadNotice()
    },

    async loadNotice() {
      this.setData({ noticeLoading: true, noticeError: '' })
      try {
        this.setData({ notice: await privacy.loadNotice() })
      } catch (err) {
        this.setData({ noticeError: err.status === 0 ? NOTICE_LOAD_FAILED : err.message || NOTICE_LOAD_FAILED })
      } finally {
        this.setData({ noticeLoading: false })
      }
    },

    onRetryNotice() {
      if (this.data.noticeLoading) return undefined
      return this.loadNotice()
    },

    // ---------- 下载我的信息 ----------

    async onExport() {
      if (this.data.exporting) return
      this.setData({ exporting: true, exportError: '' })
      try {
        const data = await api.get('/me/export')
        this._exportJson = JSON.stringify(data, null, 2)
        this.setData({
          summary: privacy.summarizeExport(data),
          exportedAt: (data && data.exported_at) || '',
        })
      } catch (err) {
        this.setData({ exportError: err.message || '没有下载成功，请稍后再试' })
        if (err.status === 401) wx.reLaunch({ url: '/pages/login/login' })
      } finally {
        this.setData({ exporting: false })
      }
    },

    // 把全部信息（JSON）复制到剪贴板，居民可以粘贴到微信“文件传输助手”或备忘录里保存
    onCopyExport() {
      if (!this._exportJson) return
      wx.setClipboardData({
        data: this._exportJson,
        success: () => wx.showToast({ title: '已复制，可以粘贴保存', icon: 'none', duration: 3000 }),
      })
    },

    // ---------- 注销账号 ----------

    onOpenErase() {
      this.setData({ eraseOpen: true, eraseError: '' })
    },

    onCancelErase() {
      this.setData({ eraseOpen: false, eraseInput: '', canErase: false, eraseError: '' })
    },

    onEraseInput(e) {
      const value = (e.detail && e.detail.value) || ''
      this.setData({ eraseInput: value, canErase: value.trim() === privacy.ERASE_CONFIRMATION, eraseError: '' })
    },

    async onErase() {
      if (this.data.erasing) return
      if (this.data.eraseInput.trim() !== privacy.ERASE_CONFIRMATION) {
        this.setData({ eraseError: `请在框里输入“${privacy.ERASE_CONFIRMATION}”四个字` })
        return
      }
      const ok = await ui.confirm('注销账号', '注销后不能恢复。确定要注销吗？', '注销')
      if (!ok) return
      this.setData({ erasing: true, eraseError: '' })
      try {
        // 不自动重新登录：注销后 token 失效，静默登录会悄悄建一个新账号
        await api.post('/me/erase', { confirm: privacy.ERASE_CONFIRMATION }, { noRelogin: true })
      } catch (err) {
        this.setData({ erasing: false, eraseError: err.message || '没有注销成功，请稍后再试' })
        return
      }
      api.clearSession()
      privacy.clearConsent()
      this.setData({ erasing: false })
      wx.showToast({ title: '账号已注销', icon: 'none', duration: 3000 })
      wx.reLaunch({ url: '/pages/login/login' })
    },
  },
})
