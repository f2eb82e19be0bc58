const scene = require('../utils/scene')

const SCENE = '7-2b5c3a1-a1b2c3d4e5f6'

describe('扫码结果 → 小程序码的 scene', () => {
  test.each([
    ['小程序码：path 里的 scene 是 URL 编码过的', { scanType: 'WX_CODE', result: '', path: `pages/meeting/checkin?scene=${encodeURIComponent(SCENE)}` }],
    ['小程序码：整段 path 都编码过', { scanType: 'WX_CODE', result: '', path: encodeURIComponent(`pages/meeting/checkin?scene=${SCENE}`) }],
    ['小程序码：scene 编码了两次', { result: '', path: `pages/meeting/checkin?scene=${encodeURIComponent(encodeURIComponent(SCENE))}` }],
    ['小程序码：有 path 时不看 result', { result: '乱码', path: `pages/meeting/checkin?x=1&scene=${SCENE}` }],
    ['普通二维码：result 就是 scene', { scanType: 'QR_CODE', result: SCENE }],
    ['普通二维码：result 是带 scene= 的链接', { scanType: 'QR_CODE', result: `https://yuanba.example/checkin?scene=${SCENE}` }],
  ])('%s', (_name, res) => {
    expect(scene.fromScan(res)).toBe(SCENE)
  })

  test.each([
    ['空结果', { result: '', path: '' }],
    ['别的网址', { result: 'https://example.com/hello' }],
    ['超过 32 个字符', { result: 'x'.repeat(33) }],
    ['小程序别的页面', { path: 'pages/index/index' }],
  ])('认不出来：%s', (_name, res) => {
    expect(scene.fromScan(res)).toBe('')
  })

  test('微信“扫一扫”打开签到页时的 query.scene', () => {
    expect(scene.fromQuery({ scene: encodeURIComponent(SCENE) })).toBe(SCENE)
    expect(scene.fromQuery({})).toBe('')
  })
})
