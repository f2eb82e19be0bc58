// 我要反映：填写诉求 → POST /matters。
//
// - 草稿：标题、说明、类别、地点、位置、已传好的照片，每次输入都存进本地存储，
//   下次打开自动恢复；只有提交成功才清掉。网络不好、退出小程序，老人写的字都不会丢。
// - 幂等键：一份草稿一个键，跟草稿一起存着；同样的内容无论重试多少次（自动重试、再点一次、
//   退出后重新打开再点）都用同一个键，后端不会重复登记。提交失败后改了内容，
//   就换一个新键（后端对“同一个键、不同内容”会回 422）。
// - 照片：wx.chooseMedia 选图（最多 9 张），每张用 utils/upload.js 单独上传，显示进度，
//   失败可以重试（同一张照片沿用同一个幂等键）或删掉；提交时带上 photo_ids。
// - 微信提醒：点“提交”时先（同步地）请用户开启“诉求进度提醒”，再提交。
// - 代办：楼栋长、网格员、社区工作人员可以“替住户反映”，选一户（components/household-picker）后提交时带上
//   on_behalf_of_household_id，类别按那户的社区；自己没有住户的直接先选一户。“改成我自己反映”回到给自己办。
// 页面用 Component 构造器编写，生命周期（onLoad 等）写在 methods 里。
const api = require('../../utils/api')
const households = require('../../utils/households')
const elder = require('../../utils/elder')
const auth = require('../../utils/auth')
const draft = require('../../utils/draft')
const subscribe = require('../../utils/subscribe')
const upload = require('../../utils/upload')
const voice = require('../../utils/voice')

const DRAFT_KEY = 'yb_matter_draft'
const TITLE_MIN = 2

function trim(value) {
  return String(value || '').trim()
}

// 纬度/经度保留 6 位小数（后端 Decimal(9,6)），用字符串传，避免浮点误差
function coordinate(value) {
  const n = Number(value)
  return Number.isFinite(n) ? n.toFixed(6) : ''
}

Component({
  behaviors: [elder.behavior],
  data: {
    loaded: false,
    loadError: '',
    needHousehold: false,
    communityName: '',
    categories: [],
    categoriesError: '',

    title: '',
    description: '',
    category: '',
    place: '',
    latitude: '',
    longitude: '',
    locating: false,
    photos: [],
    maxPhotos: upload.MAX_PHOTOS,
    voice: null, // 语音：utils/voice.js 的 recorder 维护
    voiceState: '', // 听一听：'' | 'loading' | 'playing'

    canActFor: false,
    picking: false,
    onBehalf: null,

    restored: false,
    submitting: false,
    errorMessage: '',
  },

  methods: {
    onLoad() {
      this._tasks = {}
      this._photoSeq = 0
      if (!api.getToken()) {
        wx.reLaunch({ url: '/pages/login/login' })
        return Promise.resolve()
      }
      this.restoreDraft()
      return Promise.all([this.loadCommunity(), this.loadConsents()])
    },

    onUnload() {
      // 还在上传的照片停掉；已经传好的照片在草稿里，下次打开还在
      this._unloaded = true
      Object.keys(this._tasks || {}).forEach(lid => this._tasks[lid] && this._tasks[lid].abort())
      if (this._voice) this._voice.stop()
      if (this._player) this._player.destroy()
    },

    // ---------- 社区和分类 ----------

    async loadCommunity() {
      let user
      try {
        user = await auth.currentUser('household')
      } catch (err) {
        this.setData({ loaded: true, loadError: err.message })
        return
      }
      const canActFor = households.canActFor(user, 'report_and_follow')
      if (!user.household) {
        this.setData({ loaded: true, needHousehold: !canActFor, canActFor, picking: canActFor })
        return
      }
      this.setData({ canActFor })
      this._communityId = user.household.community_id
      this.setData({ loaded: true, loadError: '', communityName: user.household.community_name || '' })
      await this.loadCategories()
    },

    // 本社区的类别（内置 + 社区自己加的），给“类别”大按钮用
    async loadCategories() {
      try {
        const res = await api.get(`/communities/${this._communityId}/matter-categories`)
        const items = (res && res.items) || []
        this.setData({ categories: items.map(c => ({ code: c.code, name: c.name })), categoriesError: '' })
      } catch (err) {
        this.setData({ categoriesError: err.message || '分类没有加载出来' })
      }
    },

    retryLoad() {
      this.setData({ loadError: '' })
      return this.loadCommunity()
    },

    async loadConsents() {
      try {
        this._consents = await subscribe.loadConsents({ silent: true })
      } catch (err) {
        this._consents = null
      }
    },

    // ---------- 代办 ----------

    onStartActing() {
      this.setData({ picking: true })
    },

    async onPickHousehold(e) {
      const h = e.detail
      this.setData({ picking: false, onBehalf: { id: h.id, address: h.address, headName: h.headName } })
      if (h.communityId && h.communityId !== this._communityId) {
        this._communityId = h.communityId
        this.setData({ category: '' })
        await this.loadCategories()
      }
    },

    // 不代办了：自己有住户的回到给自己反映；没有的看到“先绑定您家的住户”，也还能再点“替住户反映”
    onCancelActing() {
      const user = api.getUser()
      const own = user && user.household
      this.setData({ picking: false, onBehalf: null, needHousehold: !own })
      if (own && own.community_id !== this._communityId) {
        this._communityId = own.community_id
        this.setData({ category: '' })
        this.loadCategories()
      }
    },

    goJoin() {
      wx.navigateTo({ url: '/pages/join/join' })
    },

    // ---------- 草稿 ----------

    // 草稿的存取（跟着用户 id、带着幂等键）在 utils/draft.js；这里只管有哪些字段
    restoreDraft() {
      const user = api.getUser()
      const f = draft.load(DRAFT_KEY, this, user && user.id)
      if (!f) return
      const photos = (f.photos || []).map(p => this.photoItem({
        path: '', id: p.id, url: p.url, thumbnail_url: p.thumbnail_url, status: 'done', progress: 100,
      }))
      const restored = Boolean(f.title || f.description || f.category || f.place || photos.length || f.voice)
      this.setData({
        title: f.title || '',
        description: f.description || '',
        category: f.category || '',
        place: f.place || '',
        latitude: f.latitude || '',
        longitude: f.longitude || '',
        photos,
        voice: voice.fromDraft(f.voice),
        restored,
      })
    },

    saveDraft() {
      const d = this.data
      const photos = d.photos.filter(p => p.status === 'done').map(p => ({ id: p.id, url: p.url, thumbnail_url: p.thumbnail_url }))
      const empty = !d.title && !d.description && !d.category && !d.place && !d.latitude && !photos.length && !voice.forDraft(d.voice)
      if (empty && !this._key) {
        this.clearDraft()
        return
      }
      draft.save(DRAFT_KEY, this, {
        title: d.title,
        description: d.description,
        category: d.category,
        place: d.place,
        latitude: d.latitude,
        longitude: d.longitude,
        photos,
        voice: voice.forDraft(d.voice),
      })
    },

    clearDraft() {
      draft.clear(DRAFT_KEY, this)
    },

    // “清空重填”
    onResetDraft() {
      return new Promise(resolve => {
        wx.showModal({
          title: '清空重填',
          content: '已经写的内容和照片都会清掉，确定吗？',
          confirmText: '清空',
          cancelText: '不清空',
          success: res => resolve(Boolean(res && res.confirm)),
          fail: () => resolve(false),
        })
      }).then(confirmed => {
        if (!confirmed) return
        Object.keys(this._tasks).forEach(lid => this._tasks[lid] && this._tasks[lid].abort())
        this._tasks = {}
        if (this._voice) this._voice.remove()
        this.clearDraft()
        this.setData({
          title: '', description: '', category: '', place: '', latitude: '', longitude: '',
          photos: [], voice: null, restored: false, errorMessage: '',
        })
      })
    },

    // ---------- 输入 ----------

    onTitleInput(e) {
      this.setData({ title: e.detail.value, errorMessage: '' })
      this.saveDraft()
    },

    onDescriptionInput(e) {
      this.setData({ description: e.detail.value, errorMessage: '' })
      this.saveDraft()
    },

    onPlaceInput(e) {
      this.setData({ place: e.detail.value, errorMessage: '' })
      this.saveDraft()
    },

    onPickCategory(e) {
      this.setData({ category: e.currentTarget.dataset.code, errorMessage: '' })
      this.saveDraft()
    },

    // ---------- 位置 ----------

    onUseLocation() {
      if (this.data.locating) return Promise.resolve()
      this.setData({ locating: true })
      return new Promise(resolve => {
        wx.getLocation({
          type: 'gcj02', // 微信地图用的坐标系
          success: res => {
            this.setData({ latitude: coordinate(res.latitude), longitude: coordinate(res.longitude) })
            this.saveDraft()
            resolve()
          },
          fail: () => {
            wx.showToast({ title: '没有取到位置，写清楚地点也可以', icon: 'none', duration: 3000 })
            resolve()
          },
        })
      }).then(() => this.setData({ locating: false }))
    },

    onClearLocation() {
      this.setData({ latitude: '', longitude: '' })
      this.saveDraft()
    },

    // ---------- 照片 ----------

    photoItem(fields) {
      this._photoSeq = (this._photoSeq || 0) + 1
      const lid = `p${this._photoSeq}`
      return Object.assign({
        lid,
        path: '',
        thumb: fields.path || upload.mediaUrl(fields.thumbnail_url || fields.url),
        status: 'uploading',
        progress: 0,
        id: null,
        url: '',
        thumbnail_url: '',
        key: api.newIdempotencyKey(),
        errorText: '',
      }, fields, { lid })
    },

    setPhoto(lid, fields) {
      this.setData({ photos: this.data.photos.map(p => (p.lid === lid ? Object.assign({}, p, fields) : p)) })
    },

    findPhoto(lid) {
      return this.data.photos.find(p => p.lid === lid)
    },

    onAddPhoto() {
      const room = upload.MAX_PHOTOS - this.data.photos.length
      if (room <= 0) return Promise.resolve()
      return new Promise(resolve => {
        wx.chooseMedia({
          count: room,
          mediaType: ['image'],
          sourceType: ['album', 'camera'],
          sizeType: ['compressed'],
          success: res => resolve((res && res.tempFiles) || []),
          fail: () => resolve([]), // 用户取消
        })
      }).then(files => {
        const fresh = files.slice(0, upload.MAX_PHOTOS - this.data.photos.length).map(f => this.photoItem({ path: f.tempFilePath }))
        if (!fresh.length) return undefined
        this.setData({ photos: this.data.photos.concat(fresh), errorMessage: '' })
        return Promise.all(fresh.map(p => this.startUpload(p.lid)))
      })
    },

    startUpload(lid) {
      const photo = this.findPhoto(lid)
      if (!photo || !photo.path) return Promise.resolve()
      this.setPhoto(lid, { status: 'uploading', progress: 0, errorText: '' })
      return upload
        .uploadPhoto(photo.path, {
          idempotencyKey: photo.key, // 同一张照片重试时沿用
          silent: true,
          onTask: task => {
            this._tasks[lid] = task
          },
          onProgress: progress => {
            const current = this.findPhoto(lid)
            if (current && current.status === 'uploading' && current.progress !== progress) this.setPhoto(lid, { progress })
          },
        })
        .then(
          res => {
            delete this._tasks[lid]
            if (this._unloaded || !this.findPhoto(lid)) return
            this.setPhoto(lid, {
              status: 'done', progress: 100, id: res.id, url: res.url || '', thumbnail_url: res.thumbnail_url || '',
            })
            this.saveDraft()
          },
          err => {
            delete this._tasks[lid]
            if (this._unloaded || !this.findPhoto(lid)) return // 已删掉
            this.setPhoto(lid, { status: 'failed', errorText: err.message || '没传上去' })
          },
        )
    },

    onRetryPhoto(e) {
      return this.startUpload(e.currentTarget.dataset.lid)
    },

    onRemovePhoto(e) {
      const lid = e.currentTarget.dataset.lid
      const task = this._tasks[lid]
      delete this._tasks[lid]
      if (task) task.abort()
      this.setData({ photos: this.data.photos.filter(p => p.lid !== lid) })
      this.saveDraft()
    },

    // 草稿里的缩略图地址是后端签过名的，过一段时间会失效：显示“照片已传好”，照片编号照样提交
    onPhotoError(e) {
      const lid = e.currentTarget.dataset.lid
      const photo = this.findPhoto(lid)
      if (photo && !photo.path) this.setPhoto(lid, { thumb: '' })
    },

    onPreviewPhoto(e) {
      const lid = e.currentTarget.dataset.lid
      const urls = this.data.photos.map(p => p.path || upload.mediaUrl(p.url || p.thumbnail_url)).filter(Boolean)
      const photo = this.findPhoto(lid)
      if (!photo || !urls.length) return
      wx.previewImage({ urls, current: photo.path || upload.mediaUrl(photo.url || photo.thumbnail_url) })
    },

    // ---------- 语音（utils/voice.js；录音和播放器用到时才建） ----------

    voiceRecorder() {
      if (!this._voice) this._voice = voice.recorder(this, { onChange: () => this.saveDraft() })
      return this._voice
    },

    onVoiceTap() {
      this.setData({ errorMessage: '' })
      return this.voiceRecorder().toggle()
    },

    onVoiceRetry() {
      return this.voiceRecorder().retry()
    },

    onVoiceRemove() {
      if (this.data.voiceState === 'playing') this._player.toggle()
      this.voiceRecorder().remove()
    },

    onVoicePlay() {
      if (!this._player) this._player = voice.player(this)
      return this._player.toggle(this.data.voice)
    },

    // ---------- 提交 ----------

    validate() {
      const d = this.data
      const spoken = Boolean(voice.forDraft(d.voice)) // 有传好的语音，标题可以不写
      if (trim(d.title).length < TITLE_MIN && !(spoken && !trim(d.title))) return '请用一句话写明是什么事（至少 2 个字），或者说一段话'
      if (d.picking || (!d.onBehalf && !this._communityId)) return '请先选替哪一户反映'
      if (!d.category) return '请选一个类别'
      if (d.photos.some(p => p.status === 'uploading')) return '照片还在上传，请稍等一下再提交'
      if (d.photos.some(p => p.status === 'failed')) return '有照片没传上去：请点照片上的“重试”，或者删掉它'
      if (d.voice && d.voice.status === 'recording') return '还在录音：说完请按“停止”'
      if (d.voice && d.voice.status === 'uploading') return '语音还在上传，请稍等一下再提交'
      if (d.voice && d.voice.status === 'failed') return '语音没传上去：请点“重传”，或者删掉重录'
      return ''
    },

    payload() {
      const d = this.data
      const body = {
        title: trim(d.title),
        description: trim(d.description),
        category: d.category,
        place_text: trim(d.place),
      }
      if (d.latitude && d.longitude) {
        body.latitude = d.latitude
        body.longitude = d.longitude
      }
      const photoIds = d.photos.filter(p => p.status === 'done' && p.id != null).map(p => p.id)
      if (photoIds.length) body.photo_ids = photoIds
      if (voice.forDraft(d.voice)) body.voice_note_id = d.voice.id
      if (d.onBehalf) body.on_behalf_of_household_id = d.onBehalf.id
      return body
    },

    // 点击“提交”。微信要求订阅授权框由点击直接触发：这里在任何 await 之前同步调用。
    onSubmitTap() {
      if (this.data.submitting) return Promise.resolve()
      const problem = this.validate()
      if (problem) {
        this.setData({ errorMessage: problem })
        return Promise.resolve()
      }
      let asking = Promise.resolve()
      if (this._consents && !this._askedConsent) {
        this._askedConsent = true // 同一次填写只问一次
        asking = subscribe.requestConsents(['matter_status'], this._consents).catch(() => {})
      }
      return this.submit(asking)
    },

    async submit(asking) {
      const body = this.payload()
      api.keyForBody(this, body)
      this.saveDraft() // 键先落盘：万一小程序被关掉，重新打开再提交还是同一个键
      this.setData({ submitting: true, errorMessage: '' })
      let matter
      try {
        matter = await api.post('/matters', body, { idempotencyKey: this._key })
      } catch (err) {
        this.setData({ submitting: false, errorMessage: err.message || '提交没有成功，请稍后再试' })
        await asking
        if (err.status === 401) wx.reLaunch({ url: '/pages/login/login' })
        return
      }
      this.clearDraft()
      await asking // 等用户答完提醒授权框再离开本页
      this.setData({ submitting: false })
      wx.showToast({ title: '已提交', icon: 'success' })
      wx.redirectTo({ url: `/pages/matter/matter?id=${matter.id}` })
    },
  },
})
