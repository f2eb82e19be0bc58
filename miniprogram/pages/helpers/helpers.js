// 家人代办（子女代办）：/pages/helpers/helpers?household=ID&address=…
// - 户主（“我的信息”进来）：看谁在替我家办事、能办什么（GET /households/{id}/helpers），“不再让他代办”
//   先确认再 DELETE /households/{id}/helpers/{helper_id}；发代办码：勾选能办的事（反映问题并跟进 / 替家里回复开会 /
//   收到通知，投票不能代办），POST /households/{id}/helper-codes {rights}，大字显示代办码和有效期，提示怎么发给家人。
// - 楼栋长、网格员、社区工作人员（“住户”页点开一户进来，替没手机的老人办）：一样，只是发码前要拍下户主书面同意的照片
//   （utils/upload.js 上传，带 consent_photo_id）；已绑定的代办人后面能看到那张同意书。
// 能不能做由后端判断（403、422 的中文说明写在页面上）；这户是不是“我家”只决定要不要拍同意书。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const ui = require('../../utils/ui')
const upload = require('../../utils/upload')
const households = require('../../utils/households')
const { formatMeetingTime, formatRelativeTime } = require('../../utils/format')

const GRANTED_AS = { head: '户主', building_head: '楼栋长', grid_worker: '网格员', staff: '社区工作人员' }

function helperItem(h, now) {
  const by = h.granted_as === 'head' ? '户主' : `${h.granted_by_name || ''}（${GRANTED_AS[h.granted_as] || h.granted_as}，凭户主书面同意）`
  return {
    id: h.id,
    name: h.name || `用户 ${h.user_id}`,
    rights: households.rightsText(h.rights),
    linked: `${formatRelativeTime(h.linked_at, now)} 由${by}绑定`,
    photo: h.consent_photo ? upload.mediaUrl(h.consent_photo.thumbnail_url || h.consent_photo.url) : '',
    photoFull: h.consent_photo ? upload.mediaUrl(h.consent_photo.url) : '',
  }
}

// 勾选能办的事：一开始都没勾
function uncheckedRights() {
  return households.HELPER_RIGHTS.map(r => Object.assign({ on: false }, r))
}

Component({
  behaviors: [elder.behavior],
  data: {
    householdId: null,
    address: '',
    official: false,
    loaded: false,
    loadError: '',
    helpers: [],
    rights: uncheckedRights(),
    photo: null,
    code: null,
    busy: '',
    formError: '',
  },

  methods: {
    onLoad(query) {
      return households.openHouseholdPage(this, query, this.loadHelpers)
    },

    onUnload() {
      this._unloaded = true
    },

    async loadHelpers() {
      try {
        const res = await api.get(`/households/${this.data.householdId}/helpers`, undefined, { silent: true })
        const now = Date.now()
        this.setData({ loaded: true, loadError: '', helpers: (res.items || []).map(h => helperItem(h, now)) })
      } catch (err) {
        this.setData({ loaded: true, loadError: err.message || '没有加载出来' })
      }
    },

    onRevoke(e) {
      const helper = this.data.helpers.find(h => h.id === Number(e.currentTarget.dataset.id))
      if (!helper || this.data.busy) return Promise.resolve()
      return ui.confirm('不再让他代办', `${helper.name} 以后不能再替这户办事，确定吗？`, '不再代办').then(async ok => {
        if (!ok) return
        this.setData({ busy: `revoke-${helper.id}`, formError: '' })
        try {
          await api.del(`/households/${this.data.householdId}/helpers/${helper.id}`)
          wx.showToast({ title: '已解除', icon: 'success' })
        } catch (err) {
          this.setData({ formError: err.message })
        } finally {
          this.setData({ busy: '' })
        }
        await this.loadHelpers()
      })
    },

    onToggleRight(e) {
      const code = e.currentTarget.dataset.code
      this.setData({ rights: this.data.rights.map(r => (r.code === code ? Object.assign({}, r, { on: !r.on }) : r)), formError: '' })
    },

    // ---------- 户主书面同意的照片（代为绑定时） ----------

    onTakePhoto() {
      if (this.data.busy) return Promise.resolve()
      return upload.pickOnePhoto().then(file => {
        if (!file) return undefined
        this.setData({ photo: { path: file.tempFilePath, status: 'uploading', id: null, key: api.newIdempotencyKey(), errorText: '' }, formError: '' })
        return this.startUpload()
      })
    },

    startUpload() {
      const photo = this.data.photo
      if (!photo) return Promise.resolve()
      const stillThis = () => !this._unloaded && this.data.photo && this.data.photo.path === photo.path
      this.setData({ photo: Object.assign({}, photo, { status: 'uploading', errorText: '' }) })
      return upload.uploadPhoto(photo.path, { idempotencyKey: photo.key, silent: true }).then(
        res => {
          if (stillThis()) this.setData({ photo: Object.assign({}, this.data.photo, { status: 'done', id: res.id }) })
        },
        err => {
          if (stillThis()) this.setData({ photo: Object.assign({}, this.data.photo, { status: 'failed', errorText: err.message || '没传上去' }) })
        },
      )
    },

    onPreviewConsent(e) {
      const url = e.currentTarget.dataset.url
      if (url) wx.previewImage({ urls: [url], current: url })
    },

    // ---------- 发代办码 ----------

    async onIssue() {
      if (this.data.busy) return
      const rights = this.data.rights.filter(r => r.on).map(r => r.code)
      if (!rights.length) {
        this.setData({ formError: '请至少勾选一件让家人代办的事' })
        return
      }
      const body = { rights }
      if (this.data.official) {
        const photo = this.data.photo
        if (!photo) return this.setData({ formError: '请先拍下户主书面同意的照片' })
        if (photo.status === 'uploading') return this.setData({ formError: '照片还在上传，请稍等一下' })
        if (photo.status !== 'done') return this.setData({ formError: '照片没传上去：请点“重试”，或者重新拍' })
        body.consent_photo_id = photo.id
      }
      this.setData({ busy: 'issue', formError: '' })
      try {
        const res = await api.post(`/households/${this.data.householdId}/helper-codes`, body, { silent: true })
        this.setData({
          code: { code: res.code, spaced: households.spacedCode(res.code), rights: households.rightsText(res.rights), expiry: formatMeetingTime(res.expires_at) },
          photo: null,
          rights: uncheckedRights(),
        })
      } catch (err) {
        this.setData({ formError: err.message })
      } finally {
        this.setData({ busy: '' })
      }
    },

    onCopyCode() {
      wx.setClipboardData({ data: this.data.code.code })
    },

    onNewCode() {
      this.setData({ code: null })
    },
  },
})
