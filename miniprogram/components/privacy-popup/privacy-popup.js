// 微信的隐私授权弹框：用到隐私接口（位置、照片、剪贴板）的页面都放一个 <privacy-popup />。
// 微信没记下用户的同意时，utils/privacy.js 把 onNeedPrivacyAuthorization 的 resolve 交给当前页面的这个弹框：
// 点“同意”（open-type="agreePrivacyAuthorization"）原来的接口接着执行，点“不同意”它就失败。
const privacy = require('../../utils/privacy')

// 交给微信核对的“同意”按钮的 id（微信会检查这个按钮确实被点过）
const AGREE_BUTTON_ID = 'privacy-agree-btn'

Component({
  options: {
    styleIsolation: 'apply-shared', // 用 app.wxss 的按钮样式
  },

  data: {
    show: false,
  },

  lifetimes: {
    attached() {
      this._pending = []
      privacy.addAsker(this)
    },
    detached() {
      privacy.removeAsker(this)
      this.settle({ event: 'disagree' }) // 页面关了还没答：原来的接口失败，不一直挂着
    },
  },

  methods: {
    ask(resolve) {
      this._pending.push(resolve)
      this.setData({ show: true })
      resolve({ event: 'exposureAuthorization' }) // 告诉微信弹框已经显示
    },

    onAgree() {
      this.setData({ show: false })
      this.settle({ buttonId: AGREE_BUTTON_ID, event: 'agree' })
    },

    onDisagree() {
      this.setData({ show: false })
      this.settle({ event: 'disagree' })
    },

    settle(result) {
      const pending = this._pending
      this._pending = []
      pending.forEach(resolve => resolve(result))
    },
  },
})
