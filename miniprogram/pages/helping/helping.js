// 帮家人办事（子女代办的家人一方）：/pages/helping/helping。
// - 输入户主（或楼栋长）给的代办码：POST /households/help {code}，带幂等键（同一个码重发用同一个键，不会绑两次）；
//   码不对（404）、用过或过期（410）、是自己家或已经在代办（409）时，把后端的中文说明写在框下面。
// - 我在替哪些人家办事：/me 的 helping（地址、能办什么），“不再代办”先确认再
//   DELETE /households/{household_id}/helpers/{helper_id}（代办人自己也可以解除）。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const ui = require('../../utils/ui')
const households = require('../../utils/households')

function helpingItem(h) {
  return { helperId: h.helper_id, householdId: h.household_id, address: h.address, rights: households.rightsText(h.rights) }
}

Component({
  behaviors: [elder.behavior],
  data: {
    code: '',
    loaded: false,
    loadError: '',
    items: [],
    busy: '',
    formError: '',
    linked: '',
  },

  methods: {
    onLoad() {
      if (!api.getToken()) {
        wx.reLaunch({ url: '/pages/login/login' })
        return Promise.resolve()
      }
      return this.loadHelping()
    },

    // /me 的 helping；顺便更新本机的用户信息，别的页面（我要反映、会议的代办）读到的就是新的
    async loadHelping() {
      try {
        const user = await api.get('/me', undefined, { silent: true })
        api.setUser(user)
        this.setData({ loaded: true, loadError: '', items: (user.helping || []).map(helpingItem) })
      } catch (err) {
        this.setData({ loaded: true, loadError: err.message || '没有加载出来' })
      }
    },

    onCodeInput(e) {
      this.setData({ code: e.detail.value, formError: '' })
    },

    async onSubmit() {
      if (this.data.busy) return
      const code = this.data.code.replace(/\s+/g, '')
      if (!code) {
        this.setData({ formError: '请输入家人给您的代办码' })
        return
      }
      const body = { code }
      this.setData({ busy: 'link', formError: '', linked: '' })
      try {
        const res = await api.post('/households/help', body, { idempotencyKey: api.keyForBody(this, body), silent: true })
        this._key = null
        this._keySig = null
        this.setData({ code: '', linked: `已绑定，可以${households.rightsText(res.rights)}` })
        wx.showToast({ title: '已绑定', icon: 'success' })
      } catch (err) {
        this.setData({ formError: err.message })
      } finally {
        this.setData({ busy: '' })
      }
      await this.loadHelping()
    },

    onStop(e) {
      const item = this.data.items.find(i => i.helperId === Number(e.currentTarget.dataset.id))
      if (!item || this.data.busy) return Promise.resolve()
      return ui.confirm('不再代办', `以后不再替 ${item.address} 办事，确定吗？要再代办得请户主重新发代办码。`, '不再代办').then(async ok => {
        if (!ok) return
        this.setData({ busy: `stop-${item.helperId}`, formError: '' })
        try {
          await api.del(`/households/${item.householdId}/helpers/${item.helperId}`)
          wx.showToast({ title: '已解除', icon: 'success' })
        } catch (err) {
          // api.js 已经弹出后端的说明
        } finally {
          this.setData({ busy: '' })
        }
        await this.loadHelping()
      })
    },
  },
})
