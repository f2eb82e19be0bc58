// 表单里的一张照片（收自筹款的收据 pages/money/collect，纸质票或委托书 pages/poll-paper）：拍一张或从相册选一张，
// 马上上传（utils/upload.js），显示进度；没传上去可以“重试”（同一张沿用同一个幂等键，后端不会多出一张），
// 可以删掉（还在传的就停下），点开看大图。
// data.photo：{ path, status: 'uploading' | 'done' | 'failed', progress, id, key }，没有照片时 null。
// 页面要做的：表单忙（data.busy）时不换照片；换一户、取消时调 dropPhoto() 再把 photo 设为 null；
// onUnload 里设 this._unloaded = true 并调 dropPhoto()（离开后回来的结果不再写）；提交前问 photoProblem()。
const api = require('../utils/api')
const upload = require('../utils/upload')

module.exports = Behavior({
  data: { photo: null },

  methods: {
    // 停下还在传的（删掉、换一张、离开页面）
    dropPhoto() {
      if (this._task) this._task.abort()
      this._task = null
    },

    onTakePhoto() {
      if (this.data.busy) return Promise.resolve()
      return upload.pickOnePhoto().then(file => {
        if (!file) return undefined
        this.dropPhoto()
        this.setData({
          photo: { path: file.tempFilePath, status: 'uploading', progress: 0, id: null, key: api.newIdempotencyKey() },
          formError: '',
        })
        return this.startUpload()
      })
    },

    setPhoto(fields) {
      if (this.data.photo) this.setData({ photo: Object.assign({}, this.data.photo, fields) })
    },

    startUpload() {
      const photo = this.data.photo
      if (!photo || !photo.path) return Promise.resolve()
      const path = photo.path
      // 传的时候删掉或换了一张：这张的结果不再写
      const stillThis = () => !this._unloaded && this.data.photo && this.data.photo.path === path
      this.setPhoto({ status: 'uploading', progress: 0 })
      return upload
        .uploadPhoto(path, {
          idempotencyKey: photo.key, // 重试这张照片时沿用
          silent: true,
          onTask: task => {
            this._task = task
          },
          onProgress: progress => {
            if (stillThis() && this.data.photo.status === 'uploading') this.setPhoto({ progress })
          },
        })
        .then(
          res => {
            this._task = null
            if (stillThis()) this.setPhoto({ status: 'done', progress: 100, id: res.id })
          },
          () => {
            this._task = null
            if (stillThis()) this.setPhoto({ status: 'failed' })
          },
        )
    },

    onRetryPhoto() {
      return this.startUpload()
    },

    onRemovePhoto() {
      this.dropPhoto()
      this.setData({ photo: null })
    },

    onPreviewPhoto() {
      const photo = this.data.photo
      if (photo && photo.path) wx.previewImage({ urls: [photo.path], current: photo.path })
    },

    // 提交前：照片还在传、没传上去时的说明；没有照片或已传好时是空串（必须有照片的页面自己先问）
    photoProblem() {
      const photo = this.data.photo
      if (!photo) return ''
      if (photo.status === 'uploading') return '照片还在上传，请稍等一下'
      if (photo.status !== 'done' || photo.id == null) return '照片没传上去：请点“重试”，或者重新拍'
      return ''
    },
  },
})
