// 语音（不方便打字的居民说一段话代替文字）：录、传、播放。页面只转调这里。
//
// 录音（pages/matter-new）：
//   this._voice = voice.recorder(this)          // 页面的 data.voice 由它维护（见 recorder 的说明）
//   onVoiceTap() { return this._voice.toggle() } // 按一下开始说，再按一下停止；满 60 秒自动停
// 录完马上用 utils/upload.js 传到 POST /voice-notes（和照片一样：幂等键、网络重试、401 重新登录），
// 提交诉求时带上 voice_note_id。wx.getRecorderManager 录 mp3（后端收 mp3、m4a，1–60 秒，最大 2 MB）。
//
// 播放（pages/matter）：
//   this._player = voice.player(this)           // 页面的 data.voiceState：'' | 'loading' | 'playing'
//   onPlayVoice() { return this._player.toggle(this.data.voice) }
// 语音不像照片那样给签名地址（声音就是本人，只给看得到诉求全部内容的人听）：GET /voice-notes/{id} 要带
// Authorization，所以先 wx.downloadFile（可以带请求头）下载，再用 wx.createInnerAudioContext 播放下载的文件。
const api = require('./api')
const upload = require('./upload')

const VOICE_NOTES_PATH = '/voice-notes'
const MAX_SECONDS = 60
const MIN_MS = 1000
// 16 kHz 单声道 48 kbps 的 mp3：说话听得清，60 秒约 360 KB
const RECORD_OPTIONS = { duration: MAX_SECONDS * 1000, sampleRate: 16000, numberOfChannels: 1, encodeBitRate: 48000, format: 'mp3' }

function seconds(ms) {
  return Math.max(1, Math.round((Number(ms) || 0) / 1000))
}

// 诉求详情里的 voice_note → 页面用的样子；没有语音（或看不到）时是 null
function view(note) {
  if (!note || !note.url) return null
  return { id: note.id, url: upload.mediaUrl(note.url), seconds: seconds(note.duration_ms) }
}

// 草稿里只存传好的语音（编号和时长）；本机的录音文件下次打开可能已经没了
function forDraft(state) {
  return state && state.status === 'done' ? { id: state.id, durationMs: state.durationMs } : null
}

function fromDraft(saved) {
  if (!saved || saved.id == null) return null
  return { status: 'done', id: saved.id, durationMs: saved.durationMs, seconds: seconds(saved.durationMs), path: '', errorText: '' }
}

function recordError(err) {
  const msg = (err && err.errMsg) || ''
  if (/auth|permission|deny|denied/i.test(msg)) return '没有录音权限：请点右上角“···”→“设置”，允许使用麦克风'
  return '录音没有成功，请再试一次'
}

// 页面 data.voice：null（没有语音）或 { status, id, durationMs, seconds, path, errorText, left }
//   status：'recording'（left 是还能说几秒）、'uploading'、'done'、'failed'（errorText 说明原因，可重传）
function recorder(page, opts = {}) {
  const manager = wx.getRecorderManager()
  let timer = null
  let startedAt = 0
  let key = ''
  const set = fields => {
    const current = page.data.voice
    page.setData({ voice: fields === null ? null : Object.assign({}, current, fields) })
    if (opts.onChange) opts.onChange()
  }
  const stopTimer = () => {
    if (timer) clearInterval(timer)
    timer = null
  }

  const send = () => {
    const state = page.data.voice
    if (!state || !state.path) return Promise.resolve()
    set({ status: 'uploading', errorText: '' })
    return upload.uploadFile(VOICE_NOTES_PATH, state.path, { idempotencyKey: key, silent: true }).then(
      note => {
        if (!page.data.voice || page.data.voice.path !== state.path) return // 已删掉或重录
        set({ status: 'done', id: note.id, durationMs: note.duration_ms, seconds: seconds(note.duration_ms) })
      },
      err => {
        if (!page.data.voice || page.data.voice.path !== state.path) return
        set({ status: 'failed', errorText: err.message || '语音没传上去' })
      },
    )
  }

  manager.onStop(res => {
    stopTimer()
    const state = page.data.voice
    if (!state || state.status !== 'recording') return
    const durationMs = Number(res && res.duration) || Date.now() - startedAt
    if (!res || !res.tempFilePath || durationMs < MIN_MS) {
      set(null)
      wx.showToast({ title: '录音太短，请说完再按停止', icon: 'none', duration: 3000 })
      return
    }
    key = api.newIdempotencyKey() // 一段录音一个键：重传这段时沿用
    set({ path: res.tempFilePath, durationMs, seconds: seconds(durationMs), left: 0 })
    send()
  })
  manager.onError(err => {
    stopTimer()
    set(null)
    wx.showToast({ title: recordError(err), icon: 'none', duration: 3000 })
  })

  const start = () => {
    startedAt = Date.now()
    set({ status: 'recording', id: null, path: '', durationMs: 0, seconds: 0, left: MAX_SECONDS, errorText: '' })
    manager.start(RECORD_OPTIONS)
    timer = setInterval(() => {
      const state = page.data.voice
      if (!state || state.status !== 'recording') {
        stopTimer()
        return
      }
      const left = Math.max(0, MAX_SECONDS - Math.floor((Date.now() - startedAt) / 1000))
      if (left !== state.left) set({ left })
    }, 1000)
  }

  return {
    // 按一下开始，再按一下停止（停止后 onStop 里上传）
    toggle() {
      const state = page.data.voice
      if (state && state.status === 'recording') manager.stop()
      else if (!state) start()
      return Promise.resolve()
    },
    retry: send,
    // 删掉（录着的先停下，不上传）
    remove() {
      stopTimer()
      const recording = page.data.voice && page.data.voice.status === 'recording'
      set(null)
      if (recording) manager.stop()
    },
    stop() {
      stopTimer()
      if (page.data.voice && page.data.voice.status === 'recording') manager.stop()
    },
  }
}

function download(url, retried) {
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url,
      header: { Authorization: `Bearer ${api.getToken()}` },
      success: resolve,
      fail: () => reject(api.makeError({ status: 0, code: 'network_error', message: api.NETWORK_ERROR_MESSAGE })),
    })
  }).then(res => {
    if (res.statusCode === 200) return res.tempFilePath
    if (res.statusCode === 401 && !retried) return api.relogin().then(() => download(url, true))
    throw api.makeError({ status: res.statusCode, code: `http_${res.statusCode}`,
      message: res.statusCode === 404 ? '语音不存在或无权收听' : '语音没有下载下来，请稍后再试' })
  })
}

// 播放：本机刚录的（path）直接放；诉求里的（url）先下载，同一段只下载一次
function player(page) {
  const audio = wx.createInnerAudioContext()
  audio.obeyMuteSwitch = false // iPhone 静音键开着也能听到
  const files = {}
  const idle = () => page.setData({ voiceState: '' })
  audio.onEnded(idle)
  audio.onStop(idle)
  audio.onError(() => {
    idle()
    wx.showToast({ title: '语音播放不了，请稍后再试', icon: 'none', duration: 3000 })
  })

  return {
    toggle(note) {
      if (page.data.voiceState === 'playing') {
        audio.stop()
        return Promise.resolve()
      }
      if (!note || page.data.voiceState === 'loading') return Promise.resolve()
      const cached = note.path || files[note.url]
      page.setData({ voiceState: cached ? 'playing' : 'loading' })
      const ready = cached ? Promise.resolve(cached) : download(note.url).then(file => (files[note.url] = file))
      return ready.then(
        file => {
          page.setData({ voiceState: 'playing' })
          audio.src = file
          audio.play()
        },
        err => {
          idle()
          wx.showToast({ title: err.message, icon: 'none', duration: 3000 })
        },
      )
    },
    destroy() {
      audio.destroy()
    },
  }
}

module.exports = {
  VOICE_NOTES_PATH,
  MAX_SECONDS,
  RECORD_OPTIONS,
  view,
  forDraft,
  fromDraft,
  recorder,
  player,
}
