// 我的信息：改自己的姓名和电话（PATCH /me）。电话可以不填（不填就不改）；
// 后端不收时（422）在表单下面写出后端的中文说明。保存后把后端返回的用户存进本机，首页等读到的就是新的。
// 已加入住户的，下面是“我家”：门牌、家里加入的人、谁投票（GET /households/{id}）；
// 后端说可以时（can_designate_voter，户主）点一个家人指定他投票（PUT /households/{id}/voter），
// 点“户主投票”改回户主。
// “长辈模式”和“字号”只改这部手机（本机存着，utils/elder.js）：长辈模式打开或关掉，盖过社区为这户设的；
// 字号在微信的字体大小之上再放大一档或两档。点了马上按新的字号显示。
// “家人和短信”：户主去“家人代办”（pages/helpers）发代办码给子女；本户的“短信通知”（pages/sms）；
// 谁都能去“帮家人办事”（pages/helping）输入别人家给的代办码。
// 最下面“退出所有设备”：这部手机、别的手机和电脑上的社区工作台一起退出（POST /auth/logout-everywhere），
// 比如确认了不是自己的工作台登录、或者手机丢了之后。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const auth = require('../../utils/auth')
const households = require('../../utils/households')
const { formatHouseAddress } = require('../../utils/format')

Component({
  behaviors: [elder.behavior],
  data: {
    loaded: false,
    name: '',
    phone: '',
    formError: '',
    busy: false,
    home: null,
    members: [],
    voterBusy: false,
    householdElder: false,
    textSteps: elder.TEXT_STEPS,
  },

  methods: {
    async onLoad() {
      if (!api.getToken()) {
        wx.reLaunch({ url: '/pages/login/login' })
        return
      }
      try {
        const user = await auth.currentUser('name')
        this.setData({
          loaded: true, name: user.name || '',
          householdElder: Boolean(user.household && user.household.elder_mode),
        })
        if (user.household) await this.loadHome(user.household.id)
      } catch (err) {
        this.setData({ loaded: true, formError: err.message })
      }
    },

    // 我家（读不到时这一块不显示，不耽误改名字）
    async loadHome(householdId) {
      try {
        this.showHome(await api.get(`/households/${householdId}`, undefined, { silent: true }))
      } catch (err) {
        this.setData({ home: null })
      }
    },

    showHome(h) {
      this.setData({
        home: { id: h.id, address: formatHouseAddress(h), canDesignate: h.can_designate_voter },
        members: households.memberItems(h),
      })
    },

    // 家人代办（户主）、短信通知（本户）、帮家人办事（谁都可以替别的人家办）
    onOpenHelpers() {
      wx.navigateTo({ url: households.householdPageUrl('helpers', this.data.home) })
    },

    onOpenSms() {
      wx.navigateTo({ url: households.householdPageUrl('sms', this.data.home) })
    },

    onOpenHelping() {
      wx.navigateTo({ url: '/pages/helping/helping' })
    },

    onLogoutEverywhere() {
      wx.showModal({
        title: '退出所有设备',
        content: '这部手机、别的手机和电脑上的社区工作台都会退出登录，确定吗？',
        confirmText: '全部退出',
        cancelText: '取消',
        success: async res => {
          if (!res || !res.confirm) return
          try {
            await auth.logoutEverywhere()
            wx.reLaunch({ url: '/pages/login/login' })
          } catch (err) {
            // api.js 已经弹出后端的说明，本机仍是登录状态，可以再试
          }
        },
      })
    },

    async onPickVoter(e) {
      if (this.data.voterBusy) return
      this.setData({ voterBusy: true })
      try {
        this.showHome(await households.designateVoter(this.data.home.id, e.currentTarget.dataset))
        wx.showToast({ title: '已指定', icon: 'success' })
      } catch (err) {
        // api.js 已经弹出后端的说明
      } finally {
        this.setData({ voterBusy: false })
      }
    },

    onPickElder(e) {
      elder.setMode(Boolean(e.currentTarget.dataset.on))
      this.applyTextSize()
    },

    onPickTextStep(e) {
      elder.setTextStep(Number(e.currentTarget.dataset.step))
      this.applyTextSize()
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
