// 绑定住户页：输入入户码 → POST /households/join。
// 页面用 Component 构造器编写，生命周期（onLoad 等）写在 methods 里。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const { formatHouseAddress, normalizeJoinCode, isValidJoinCode } = require('../../utils/format')

const INVALID_FORMAT_MESSAGE = '入户码是 8 位字母或数字，请核对后再输入'

Component({
  behaviors: [elder.behavior],
  data: {
    code: '',
    submitting: false,
    errorMessage: '',
    alreadyMember: false,
    household: null,
    houseAddress: '',
    isHead: false,
  },

  methods: {
    onLoad() {
      if (!api.getToken()) wx.reLaunch({ url: '/pages/login/login' })
    },

    onCodeInput(e) {
      const code = normalizeJoinCode(e.detail.value)
      this.setData({ code, errorMessage: '' })
      return code // 返回值会替换输入框里的内容
    },

    async onSubmit() {
      if (this.data.submitting) return
      const code = normalizeJoinCode(this.data.code)
      if (!isValidJoinCode(code)) {
        this.setData({ code, errorMessage: INVALID_FORMAT_MESSAGE })
        return
      }

      // 同一个入户码在网络失败后重新提交时沿用同一个幂等键，后端不会重复绑定
      if (!this._pendingKey || this._pendingCode !== code) {
        this._pendingKey = api.newIdempotencyKey()
        this._pendingCode = code
      }

      this.setData({ code, submitting: true, errorMessage: '', alreadyMember: false })
      try {
        const res = await api.post('/households/join', { code }, { idempotencyKey: this._pendingKey, silent: true })
        this._pendingKey = null
        const household = Object.assign({}, res.household, { is_head: Boolean(res.is_head) })
        const user = api.getUser()
        if (user) api.setUser(Object.assign({}, user, { household }))
        this.setData({
          household,
          houseAddress: formatHouseAddress(household),
          isHead: household.is_head,
        })
      } catch (err) {
        // 后端已经明确答复（非网络问题）时，下次提交换新的幂等键
        if (err.status !== 0) this._pendingKey = null
        // 显示后端给的中文说明（入户码不对 / 已用过或过期 / 已绑定住户 等）
        this.setData({
          errorMessage: err.message || '绑定没有成功，请稍后再试',
          alreadyMember: err.code === 'already_member',
        })
        if (err.status === 401) wx.reLaunch({ url: '/pages/login/login' })
      } finally {
        this.setData({ submitting: false })
      }
    },

    goHome() {
      wx.reLaunch({ url: '/pages/index/index' })
    },
  },
})
