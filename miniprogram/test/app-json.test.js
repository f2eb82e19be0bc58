// app.json 登记的页面都存在，页面的 .json 和 usingComponents 引用的组件文件都在；源码里跳转的页面都登记了（否则真机上跳转会失败）。
const fs = require('fs')
const path = require('path')
const scan = require('./contract-scan')

const ROOT = path.resolve(__dirname, '..')
const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'))

test('诉求相关页面都已登记，详情页是 pages/matter/matter', () => {
  expect(app.pages).toEqual(expect.arrayContaining([
    'pages/matter-new/matter-new', 'pages/matters/matters', 'pages/matter/matter', 'pages/triage/triage',
  ]))
  expect(app.pages[0]).toBe('pages/index/index')
})

test('会议页面都已登记：列表、详情（通知里的 page 指向 pages/meeting/meeting）、扫码签到落地页、召集', () => {
  expect(app.pages).toEqual(expect.arrayContaining([
    'pages/meetings/meetings', 'pages/meeting/meeting', 'pages/meeting/checkin', 'pages/meeting-new/meeting-new',
  ]))
})

test.each(app.pages)('%s 的四个文件都在', page => {
  for (const ext of ['js', 'json', 'wxml', 'wxss']) {
    expect(fs.existsSync(path.join(ROOT, `${page}.${ext}`))).toBe(true)
  }
})

// 页面或组件（不带扩展名的路径，相对 ROOT）用到的自定义组件：[{tag, target}]，target 按微信的规则解析（/ 开头相对小程序根目录）
function usedComponents(owner) {
  const json = JSON.parse(fs.readFileSync(path.join(ROOT, `${owner}.json`), 'utf8'))
  return Object.entries(json.usingComponents || {}).map(([tag, ref]) => ({
    tag,
    target: ref.startsWith('/') ? ref.slice(1) : path.join(path.dirname(owner), ref),
  }))
}

// WXML 里带短横线的标签，除了微信的内置组件，都是自定义组件
const BUILT_IN_TAGS = new Set(['scroll-view', 'rich-text', 'picker-view', 'picker-view-column', 'movable-area', 'movable-view', 'cover-view', 'cover-image', 'web-view', 'open-data', 'page-meta'])

function customTags(owner) {
  const wxml = fs.readFileSync(path.join(ROOT, `${owner}.wxml`), 'utf8').replace(/<!--[\s\S]*?-->/g, '')
  return Array.from(new Set((wxml.match(/<[a-z][a-z0-9]*-[a-z0-9-]*/g) || []).map(t => t.slice(1)))).filter(t => !BUILT_IN_TAGS.has(t))
}

// 页面和它们（一层层）用到的组件（缺文件的组件由用它的那一条报出来）
function allOwners() {
  const owners = app.pages.slice()
  for (let i = 0; i < owners.length; i++) {
    usedComponents(owners[i]).forEach(({ target }) => {
      if (!owners.includes(target) && fs.existsSync(path.join(ROOT, `${target}.json`))) owners.push(target)
    })
  }
  return owners
}

test('app.json 引用的文件都在（sitemap）', () => {
  expect(fs.existsSync(path.join(ROOT, app.sitemapLocation))).toBe(true)
  expect(app.usingComponents).toBeUndefined() // 全局组件：有了就要像页面的一样核对
})

test.each(allOwners())('%s 的 .json 能读，usingComponents 里的组件都有 .js/.wxml/.json，WXML 用的自定义标签都登记了', owner => {
  const used = usedComponents(owner)
  used.forEach(({ tag, target }) => {
    for (const ext of ['js', 'wxml', 'json']) {
      if (!fs.existsSync(path.join(ROOT, `${target}.${ext}`))) throw new Error(`${owner}.json: ${tag} → ${target}.${ext} is missing`)
    }
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, `${target}.json`), 'utf8')).component).toBe(true)
  })
  expect(customTags(owner).filter(tag => !used.some(u => u.tag === tag))).toEqual([])
})

test('源码里 navigateTo / redirectTo / reLaunch 的页面都已登记', () => {
  const targets = new Set()
  for (const file of scan.listSourceFiles(ROOT)) {
    const src = scan.stripComments(fs.readFileSync(file, 'utf8'))
    const re = /url:\s*[`'"]\/(pages\/[a-z-]+\/[a-z-]+)/g
    let m
    while ((m = re.exec(src)) !== null) targets.add(m[1])
  }
  expect(targets.size).toBeGreaterThan(4)
  for (const target of targets) expect(app.pages).toContain(target)
})

test('用到 wx.getLocation：声明了位置权限的用途', () => {
  expect(app.requiredPrivateInfos).toContain('getLocation')
  expect(app.permission['scope.userLocation'].desc).toBeTruthy()
})
