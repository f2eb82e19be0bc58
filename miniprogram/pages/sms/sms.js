// 短信通知：/pages/sms/sms?household=ID&address=…
// 微信收不到提醒的人家（家里没人开了微信提醒、或者只有老人的手机号），几件要紧的事发短信：
// 开会、投票开始和结束、这户的诉求办结；每户每天有条数上限。
// - 本户的人（“我的信息”进来）：GET /notifications/households/{id}/sms-consent 看开没开、发到哪个号（打码的），
//   填手机号 PUT {phone} 开通或换号，“不要短信了” DELETE（先确认），号码随即删除。
// - 楼栋长、网格员、社区工作人员（“住户”页点开一户进来）：替没手机、不会操作的老人登记，要选老人是怎么同意的
//   （书面同意、当面口头同意、电话中同意），PUT {phone, evidence}。
// 这户是不是“我家”只决定要不要问怎么同意的；能不能改由后端判断，422/403 的中文说明写在框下面。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const ui = require('../../utils/ui')
const households = require('../../utils/households')
const { formatRelativeTime } = require('../../utils/format')

const EVIDENCE = [
  { code: 'written', label: '书面同意' },
  { code: 'in_person', label: '当面口头同意' },
  { code: 'phone_call', label: '电话中同意' },
]

Component({
  behaviors: [elder.behavior],
  data: {
    householdId: null,
    address: '',
    official: false,
    loaded: false,
    loadError: '',
    consent: null,
    phone: '',
    evidence: '',
    evidenceChoices: EVIDENCE,
    busy: '',
    formError: '',
  },

  methods: {
    onLoad(query) {
      return households.openHouseholdPage(this, query, this.load)
    },

    async load() {
      try {
        this.show(await api.get(`/notifications/households/${this.data.householdId}/sms-consent`, undefined, { silent: true }))
        this.setData({ loaded: true, loadError: '' })
      } catch (err) {
        this.setData({ loaded: true, loadError: err.message || '没有加载出来' })
      }
    },

    show(c) {
      this.setData({
        consent: {
          on: c.consented,
          phone: c.phone || '',
          how: c.evidence_label || '',
          when: c.consented_at ? formatRelativeTime(c.consented_at, Date.now()) : '',
        },
      })
    },

    onPhoneInput(e) {
      this.setData({ phone: e.detail.value, formError: '' })
    },

    onPickEvidence(e) {
      this.setData({ evidence: e.currentTarget.dataset.code, formError: '' })
    },

    async onSave() {
      if (this.data.busy) return
      const phone = this.data.phone.replace(/\s+/g, '')
      if (!phone) return this.setData({ formError: '请填写接收短信的手机号码' })
      const body = { phone }
      if (this.data.official) {
        if (!this.data.evidence) return this.setData({ formError: '请选择居民是怎么同意接收短信的' })
        body.evidence = this.data.evidence
      }
      this.setData({ busy: 'save', formError: '' })
      try {
        this.show(await api.put(`/notifications/households/${this.data.householdId}/sms-consent`, body, { silent: true }))
        this.setData({ phone: '', evidence: '' })
        wx.showToast({ title: '已开通', icon: 'success' })
      } catch (err) {
        this.setData({ formError: err.message })
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onWithdraw() {
      if (this.data.busy) return
      const ok = await ui.confirm('不要短信了', '以后不再给这户发短信，登记的手机号码会删除。确定吗？', '不要短信')
      if (!ok) return
      this.setData({ busy: 'withdraw', formError: '' })
      try {
        this.show(await api.del(`/notifications/households/${this.data.householdId}/sms-consent`, { silent: true }))
        wx.showToast({ title: '已关闭', icon: 'success' })
      } catch (err) {
        this.setData({ formError: err.message })
      } finally {
        this.setData({ busy: '' })
      }
    },
  },
})
