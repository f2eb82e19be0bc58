// 我的信息：改自己的姓名和电话（PATCH /me）。电话可以不填（不填就不改）；
// 后端不收时（422）在表单下面写出后端的中文说明。保存后把后端返回的用户存进本机，首页等读到的就是新的。
const api = require('../../utils/api')
const auth = require('../../utils/auth')

Component({
  data: {
    loaded: false,
    name: '',
    phone: '',
    formError: '',
    busy: false,
  },

  methods: {
    async onLoad() {
      if (!api.getToken()) {
        wx.reLaunch({ url: '/pages/login/login' })
        return
      }
      try {
        const user = await auth.currentUser('name')
        this.setData({ loaded: true, name: user.name || '' })
      } catch (err) {
        this.setData({ loaded: true, formError: err.message })
      }
    },

    onNameInput(e) {
      this.setData({ name: e.detail.value, formError: '' })
    },

    onPhoneInput(e) {
      this.setData({ phone: e.detail.value, formError: '' })
    },

    async onSave() {
      if (this.data.busy) return
      const name = this.data.name.trim()
      if (!name) {
        this.setData({ formError: '请填写姓名' })
        return
      }
      const phone = this.data.phone.trim()
      const body = phone ? { name, phone } : { name }
      this.setData({ busy: true, formError: '' })
      try {
        api.setUser(await api.patch('/me', body))
        this.setData({ phone: '' })
        wx.showToast({ title: '已保存', icon: 'success' })
      } catch (err) {
        this.setData({ formError: err.message })
      } finally {
        this.setData({ busy: false })
      }
    },
  },
})
