// 语音（utils/voice.js）：我要反映页按一下开始说、再按一下停止，录好的 mp3 马上上传，提交时带 voice_note_id；
// 诉求详情页“播放语音”先带 token 下载再播放。wx.getRecorderManager、wx.createInnerAudioContext、wx.downloadFile
// 用这里的替身。
const { installWx, until, flush } = require('./wx-mock')
const { loadPage, textOf, tap, matterBrief } = require('./page-helper')
const api = require('../utils/api')
const voice = require('../utils/voice')

const HOUSEHOLD = { id: 2, community_id: 1, community_name: '东海社区', building_id: 1, building_name: '1幢', unit: '1单元', room: '102', is_head: true }
const USER = { id: 42, name: '宋永华', phone: null, roles: [{ role: 'resident', scope_id: 2, scope_name: null }], household: HOUSEHOLD }
const CATEGORIES = { items: [{ code: 'street_lamp', name: '路灯', default_class: 'minor', builtin: true }] }
const NOTE = { id: 5, duration_ms: 5200, content_type: 'audio/mpeg', url: 'https://api.example.test/api/v1/voice-notes/5' }

let wx
let recorder
let audio
beforeEach(() => {
  wx = installWx()
  api.saveSession({ token: 'tok', expires_at: '2030-01-01T00:00:00Z', user: USER })
  // 录音管理器：start/stop 记下来；stop 时按 recorder.result 回调 onStop（真机上是异步的）
  recorder = { result: { tempFilePath: 'wxfile://voice-1.mp3', duration: 5200, fileSize: 31000 }, listeners: {} }
  Object.assign(recorder, {
    start: jest.fn(),
    stop: jest.fn(() => Promise.resolve().then(() => recorder.listeners.stop(recorder.result))),
    onStop: jest.fn(cb => (recorder.listeners.stop = cb)),
    onError: jest.fn(cb => (recorder.listeners.error = cb)),
  })
  wx.getRecorderManager = jest.fn(() => recorder)
  audio = { listeners: {}, play: jest.fn(), stop: jest.fn(() => audio.listeners.stop()), destroy: jest.fn() }
  ;['onEnded', 'onStop', 'onError'].forEach(name => {
    audio[name] = jest.fn(cb => (audio.listeners[name.slice(2).toLowerCase()] = cb))
  })
  wx.createInnerAudioContext = jest.fn(() => audio)
  wx.downloadFile = jest.fn()
})

async function openNew() {
  wx.server.reply('GET', '/communities/1/matter-categories', 200, CATEGORIES)
  wx.server.reply('GET', '/notifications/consents', 200, { items: [] })
  const page = loadPage('pages/matter-new/matter-new')
  await page.instance.onLoad({})
  return page
}

async function record(page, reply = { statusCode: 201, data: NOTE }) {
  wx.uploadReplies.push(reply)
  await tap(page, '#voice-record-btn')
  expect(page.querySelector('#voice-stop-btn')).toBeDefined()
  await tap(page, '#voice-stop-btn')
  await until(() => page.data.voice && ['done', 'failed'].includes(page.data.voice.status))
}

describe('我要反映：说一段话', () => {
  test('按一下开始录（mp3，最长 60 秒），再按一下停止；录好的马上上传，提交时带上 voice_note_id，标题可以不写', async () => {
    const page = await openNew()
    expect(wx.getRecorderManager).not.toHaveBeenCalled() // 不说话就不碰麦克风
    await record(page)

    expect(recorder.start).toHaveBeenCalledWith(expect.objectContaining({ format: 'mp3', duration: 60000 }))
    const [sent] = wx.uploads
    expect([sent.path, sent.filePath, sent.name]).toEqual(['/voice-notes', 'wxfile://voice-1.mp3', 'file'])
    expect(sent.header).toEqual(expect.objectContaining({ Authorization: 'Bearer tok', 'Idempotency-Key': expect.any(String) }))
    expect(textOf(page, '#voice-status')).toBe('语音 5 秒：已传好')
    expect(page.querySelector('#voice-play-btn')).toBeDefined()

    wx.server.reply('POST', '/matters', 201, { id: 31 })
    await tap(page, '#cat-street_lamp')
    await tap(page, '#submit-btn')
    await until(() => wx.redirectTo.mock.calls.length > 0)
    const [post] = wx.server.calls('POST', '/matters')
    expect(post.data).toEqual({ title: '', description: '', category: 'street_lamp', place_text: '', voice_note_id: 5 })
    expect(wx.server.unexpected).toEqual([])
  })

  test('听一听：本机刚录的文件直接放，再按一下停止', async () => {
    const page = await openNew()
    await record(page)
    await tap(page, '#voice-play-btn')
    await flush()
    expect(audio.src).toBe('wxfile://voice-1.mp3')
    expect(audio.play).toHaveBeenCalledTimes(1)
    expect(audio.obeyMuteSwitch).toBe(false)
    expect(textOf(page, '#voice-play-btn')).toBe('停止播放')
    expect(wx.downloadFile).not.toHaveBeenCalled()
    await tap(page, '#voice-play-btn')
    expect(audio.stop).toHaveBeenCalled()
    expect(textOf(page, '#voice-play-btn')).toBe('听一听')
  })

  test('不到 1 秒：当作按错了，不上传，提示说完再停', async () => {
    const page = await openNew()
    recorder.result = { tempFilePath: 'wxfile://voice-2.mp3', duration: 400 }
    await tap(page, '#voice-record-btn')
    await tap(page, '#voice-stop-btn')
    await until(() => page.data.voice === null)
    expect(wx.uploads).toEqual([])
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '录音太短，请说完再按停止' }))
    expect(page.querySelector('#voice-record-btn')).toBeDefined()
  })

  test('没有麦克风权限：说明去哪里打开', async () => {
    const page = await openNew()
    await tap(page, '#voice-record-btn')
    recorder.listeners.error({ errMsg: 'operateRecorder:fail auth deny' })
    expect(page.data.voice).toBeNull()
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringContaining('允许使用麦克风') }))
  })

  test('后端拒收（超过 60 秒）：显示后端的说明，提交被拦下；删掉重录后可以只写文字提交', async () => {
    const page = await openNew()
    await record(page, { statusCode: 422, data: { error: { code: 'voice_too_long', message: '语音最长 60 秒，请说得简短些，或者分开写成文字' } } })
    expect(textOf(page, '#voice-status')).toBe('语音 5 秒：语音最长 60 秒，请说得简短些，或者分开写成文字')
    await tap(page, '#cat-street_lamp')
    await tap(page, '#submit-btn')
    expect(textOf(page, '#submit-error')).toBe('请用一句话写明是什么事（至少 2 个字），或者说一段话')
    page.instance.setData({ title: '路灯坏了' })
    await tap(page, '#submit-btn')
    expect(textOf(page, '#submit-error')).toBe('语音没传上去：请点“重传”，或者删掉重录')
    expect(wx.server.calls('POST', '/matters')).toEqual([])

    await tap(page, '#voice-remove-btn')
    expect(page.data.voice).toBeNull()
    wx.server.reply('POST', '/matters', 201, { id: 32 })
    await tap(page, '#submit-btn')
    await until(() => wx.redirectTo.mock.calls.length > 0)
    expect(wx.server.calls('POST', '/matters')[0].data).not.toHaveProperty('voice_note_id')
  })

  test('重传用同一个幂等键；传好的语音存在草稿里，重新打开还在', async () => {
    const page = await openNew()
    await record(page, { statusCode: 503, data: { error: { code: 'media_storage_unavailable', message: '图片存储暂时不可用，请稍后再试' } } })
    wx.uploadReplies.push({ statusCode: 201, data: NOTE })
    await tap(page, '#voice-retry-btn')
    await until(() => page.data.voice.status === 'done')
    expect(wx.uploads[1].header['Idempotency-Key']).toBe(wx.uploads[0].header['Idempotency-Key'])

    const again = await openNew()
    expect(again.data.voice).toEqual(expect.objectContaining({ status: 'done', id: 5, seconds: 5 }))
    expect(textOf(again, '#voice-status')).toBe('语音 5 秒：已传好')
    expect(again.querySelector('#voice-play-btn')).toBeUndefined() // 本机文件可能已经没了：不放
  })
})

describe('诉求详情：播放语音', () => {
  async function openMatter(fields) {
    wx.server.reply('GET', '/matters/31', 200, matterBrief(31, Object.assign({
      description: '', place_text: '', latitude: null, longitude: null, household_id: 2, submitter_name: '宋永华',
      submitter_phone: null, on_behalf: false, mine: true, can: {}, resolved_at: null, handler: null, due_date: null,
      merged_into_id: null, satisfaction: null, evaluation_comment: null, photos: [], timeline: [],
    }, fields)))
    const page = loadPage('pages/matter/matter')
    await page.instance.onLoad({ id: '31' })
    return page
  }

  test('带 token 下载一次，再播放下载的文件；再按一下停止；第二次不再下载', async () => {
    const page = await openMatter({ voice_note: NOTE })
    expect(textOf(page, '#voice-play-btn')).toBe('播放语音（5 秒）')
    await tap(page, '#voice-play-btn')
    const [opts] = wx.downloadFile.mock.calls[0]
    expect(opts.url).toBe(NOTE.url)
    expect(opts.header).toEqual({ Authorization: 'Bearer tok' })
    opts.success({ statusCode: 200, tempFilePath: 'wxfile://tmp/5.mp3' })
    await until(() => audio.play.mock.calls.length === 1)
    expect(audio.src).toBe('wxfile://tmp/5.mp3')
    expect(textOf(page, '#voice-play-btn')).toBe('停止播放')

    await tap(page, '#voice-play-btn')
    expect(textOf(page, '#voice-play-btn')).toBe('播放语音（5 秒）')
    await tap(page, '#voice-play-btn')
    await until(() => audio.play.mock.calls.length === 2)
    expect(wx.downloadFile).toHaveBeenCalledTimes(1)
    audio.listeners.ended()
    expect(page.data.voiceState).toBe('')
  })

  test('看不到语音的人（后端给 null）没有播放按钮；下载被拒时说明原因', async () => {
    const neighbour = await openMatter({ voice_note: null })
    expect(neighbour.querySelector('#voice-play-btn')).toBeUndefined()

    const page = await openMatter({ voice_note: NOTE })
    await tap(page, '#voice-play-btn')
    wx.downloadFile.mock.calls[0][0].success({ statusCode: 404, tempFilePath: '' })
    await until(() => page.data.voiceState === '')
    expect(audio.play).not.toHaveBeenCalled()
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '语音不存在或无权收听' }))
  })
})

test('voice.view：时长按秒（至少 1 秒），相对地址按 API_BASE 补全', () => {
  expect(voice.view(null)).toBeNull()
  expect(voice.view({ id: 1, duration_ms: 400, url: '/api/v1/voice-notes/1' })).toEqual(
    expect.objectContaining({ id: 1, seconds: 1, url: expect.stringMatching(/^https?:\/\/.+\/api\/v1\/voice-notes\/1$/) }))
})
