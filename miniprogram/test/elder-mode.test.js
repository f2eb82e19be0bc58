// 长辈模式（适老化）：从 WXSS 和 WXML 算出来的尺寸和颜色，按工信部《互联网应用适老化通用设计规范》
// 和微信《小程序适老化设计指南》：
// - 标准字号下的长辈模式里，每一处字至少 18px（= 18pt，小程序的 px 在 iOS 上就是 pt）；
// - 长辈模式里每个能点的东西至少 60×60px；
// - 每一对前景色和它的底色对比度至少 4.5:1（长辈模式内外都是）；
// - 字号和长度不用 rpx（rpx 只跟屏幕宽度走，不跟微信的字体大小设置走），每个页面用 page-meta 设根字号。
const path = require('path')
const fs = require('fs')
require('miniprogram-simulate') // 定义全局 Behavior（utils/elder.js 用）
const { installWx } = require('./wx-mock')
const m = require('./wxss-measure')
const app = require('../app.json')

const MIN_TEXT_PX = 18
const MIN_TARGET_PX = 60
const MIN_CONTRAST = 4.5

let elder
let elderRoot
let plainRoot
beforeAll(() => {
  const wx = installWx()
  // iOS 标准字号：fontSizeSetting 17，倍率 1
  wx.getAppBaseInfo = () => ({ fontSizeSetting: 17, fontSizeScaleFactor: 1 })
  elder = require('../utils/elder')
  plainRoot = elder.rootFontPx(null)
  elder.setMode(true)
  elderRoot = elder.rootFontPx(null)
})

const sheets = {}
function sheet(rel) {
  if (!sheets[rel]) sheets[rel] = fs.existsSync(path.join(m.ROOT, rel)) ? m.parseSheet(rel) : []
  return sheets[rel]
}
const allRules = () => m.wxssFiles().flatMap(sheet)

// 每个页面和组件：WXML 的树、适用的规则（app.wxss + 自己的 wxss）、外面有没有 .elder
function views() {
  const list = app.pages.map(p => ({ name: p, wxml: `${p}.wxml`, rules: sheet('app.wxss').concat(sheet(`${p}.wxss`)) }))
  for (const name of fs.readdirSync(path.join(m.ROOT, 'components'))) {
    const base = `components/${name}/${name}`
    const options = JSON.stringify(require(`../${base}.json`)) + fs.readFileSync(path.join(m.ROOT, `${base}.js`), 'utf8')
    const shared = /styleIsolation:\s*'apply-shared'|"styleIsolation":\s*"apply-shared"/.test(options)
    list.push({ name: base, wxml: `${base}.wxml`, rules: (shared ? sheet('app.wxss') : []).concat(sheet(`${base}.wxss`)) })
  }
  return list.map(v => Object.assign(v, { tree: m.parseWxml(m.read(v.wxml)) }))
}

// 元素在长辈模式下的 class：固定的，加上 {{…}} 里可能出现的（页面最外层的 'elder' 就是这样来的）
const withOptional = node => ({ tag: node.tag, classes: node.classes.concat(node.optional), attrs: node.attrs })
const staticOnly = node => ({ tag: node.tag, classes: node.classes, attrs: node.attrs })

test('the root font size follows WeChat\'s setting, the resident\'s step and elder mode', () => {
  expect(plainRoot).toBe(16)
  expect(elderRoot).toBeCloseTo(16 * elder.ELDER_FACTOR)
  global.wx.getAppBaseInfo = () => ({ fontSizeSetting: 23.8, fontSizeScaleFactor: 1.4 }) // 关怀模式
  expect(elder.rootFontPx(null)).toBeCloseTo(16 * 1.4 * elder.ELDER_FACTOR)
  elder.setTextStep(2)
  expect(elder.rootFontPx(null)).toBeCloseTo(16 * 1.4 * elder.ELDER_FACTOR * elder.TEXT_STEPS[2].factor)
  elder.setTextStep(0)
  global.wx.getAppBaseInfo = () => ({ fontSizeSetting: 17, fontSizeScaleFactor: 1 })
})

test('no length in rpx: it follows the screen width, not the font-size setting', () => {
  const found = []
  for (const file of m.wxssFiles()) if (/\drpx\b/.test(m.read(file))) found.push(file)
  for (const v of views()) if (/\drpx\b/.test(m.read(v.wxml))) found.push(v.wxml)
  expect(found).toEqual([])
})

test('every page sets its root font size and marks its outermost view in elder mode', () => {
  const missing = []
  for (const p of app.pages) {
    const wxml = m.read(`${p}.wxml`)
    const js = m.read(`${p}.js`)
    if (!/^<page-meta root-font-size="\{\{rootFontSize\}\}"/.test(wxml)) missing.push(`${p}: page-meta`)
    if (!/^<page-meta[^\n]*\n<view class="page [\w-]+ \{\{elder \? 'elder' : ''\}\}">/.test(wxml)) missing.push(`${p}: .elder`)
    if (!/behaviors: \[elder\.behavior[,\]]/.test(js)) missing.push(`${p}: behavior`)
  }
  expect(missing).toEqual([])
})

test('every text is at least 18px in elder mode at the default setting, and follows the setting', () => {
  const sizes = []
  const wrongUnit = []
  for (const rule of allRules()) {
    const decl = rule.decls['font-size']
    if (!decl) continue
    if (!/rem$/.test(decl.value)) wrongUnit.push(`${rule.file} ${rule.text}: ${decl.value}`)
    sizes.push({ where: `${rule.file} ${rule.text}`, px: m.px(decl.value, { root: elderRoot, font: elderRoot }) })
  }
  expect(wrongUnit).toEqual([])
  const small = sizes.filter(s => !(s.px >= MIN_TEXT_PX)).map(s => `${s.where}: ${s.px}px`)
  expect(small).toEqual([])
  const smallest = Math.min(...sizes.map(s => s.px))
  expect(smallest).toBeGreaterThanOrEqual(MIN_TEXT_PX)
  console.log(`elder mode, standard setting: root ${elderRoot}px, smallest text ${smallest.toFixed(2)}px`)
})

test('buttons and inputs take their font size from the stylesheet, never the native default', () => {
  const missing = []
  for (const v of views()) {
    m.walk(v.tree, [], (node, ancestors) => {
      if (!['button', 'input', 'textarea'].includes(node.tag)) return
      const css = m.cascade(v.rules, staticOnly(node), ancestors.map(withOptional))
      if (!css['font-size']) missing.push(`${v.name}: <${node.tag} class="${node.classes.join(' ')}">`)
    })
  }
  expect(missing).toEqual([])
})

test('every tappable element is at least 60×60 in elder mode', () => {
  const small = []
  let count = 0
  let minW = Infinity
  let minH = Infinity
  for (const v of views()) {
    m.walk(v.tree, [], (node, ancestors) => {
      if (!node.tappable) return
      count++
      for (const variant of [staticOnly(node), withOptional(node)]) {
        const css = m.cascade(v.rules, variant, ancestors.map(withOptional))
        const font = m.px(css['font-size'], { root: elderRoot, font: elderRoot }) || elderRoot * 1.125
        const ctx = { root: elderRoot, font }
        const pad = m.boxSides(css.padding, ctx)
        const lh = css['line-height'] && /^\d*\.?\d+$/.test(css['line-height']) ? Number(css['line-height']) * font
          : m.px(css['line-height'], ctx)
        const height = Math.max(m.px(css['min-height'], ctx) || 0, m.px(css.height, ctx) || 0, (lh || 0) + pad[0] + pad[2])
        const fills = /^100%/.test(css.width || '')
        const width = fills ? Infinity : Math.max(m.px(css['min-width'], ctx) || 0, m.px(css.width, ctx) || 0)
        const inline = (css.display || (node.tag === 'text' ? 'inline' : 'block')) === 'inline'
        minW = Math.min(minW, width)
        minH = Math.min(minH, height)
        if (height < MIN_TARGET_PX || width < MIN_TARGET_PX || inline) {
          small.push(`${v.name}: <${node.tag} class="${variant.classes.join(' ')}"> ${Math.round(width)}×${Math.round(height)}${inline ? ' inline' : ''}`)
        }
      }
    })
  }
  expect(count).toBeGreaterThan(100)
  expect(small).toEqual([])
  console.log(`elder mode: ${count} tappable elements, smallest ${minW.toFixed(1)}px wide, ${minH.toFixed(1)}px high`)
})

test('every element with a tap handler carries the class the elder rule sizes', () => {
  const missing = []
  for (const v of views()) {
    m.walk(v.tree, [], node => {
      if (node.tappable && !m.NATIVE_TAPPABLE.includes(node.tag) && !node.classes.includes('tap')) {
        missing.push(`${v.name}: <${node.tag} class="${node.classes.join(' ')}">`)
      }
    })
  }
  expect(missing).toEqual([])
})

// 前景色和底色：同一条规则里都有就配对；只有前景色的，选择器的外层（如 .report-entry .entry-note 的
// .report-entry）在同一个文件里有底色就放在那个底色上，否则放在页面底色和白色卡片上都要够；只有底色的，
// 放上页面的正文颜色（WXML 里用这个 class 的元素都不含字的——圆点、横条——不算）。半透明的先叠在底下那层上。
// 禁用的按钮（[disabled]）不要求（WCAG 1.4.3 的除外项）。
test('every colour pair declared reaches 4.5:1, in and out of elder mode', () => {
  const rules = allRules()
  const textClasses = new Set()
  const usedClasses = new Set()
  for (const v of views()) {
    m.walk(v.tree, [], node => {
      for (const c of node.classes.concat(node.optional)) {
        usedClasses.add(c)
        if (m.containsText(node)) textClasses.add(c)
      }
    })
  }
  const holdsText = rule => {
    const classes = rule.parts[rule.parts.length - 1].classes
    return !classes.length || classes.some(c => textClasses.has(c) || !usedClasses.has(c))
  }
  const outerBackground = rule => {
    for (const part of rule.parts.slice(0, -1).reverse()) {
      const outer = rules.find(r => r.file === rule.file && r.parts.length === 1 && r.parts[0].classes.length &&
        part.classes.length && r.parts[0].classes.join('.') === part.classes.join('.') && m.backgroundColor(r.decls))
      if (outer) return m.backgroundColor(outer.decls)
    }
    return null
  }
  const pageRule = rules.find(r => r.file === 'app.wxss' && r.text === 'page')
  const pageBg = m.backgroundColor(pageRule.decls)
  const pageText = m.parseColor(pageRule.decls.color.value)
  const surfaces = [pageBg, [255, 255, 255, 1]]
  const failures = []
  let checked = 0
  let lowest = Infinity
  const check = (where, fg, bg) => {
    const ratio = m.contrast(m.over(fg, bg), bg)
    checked++
    lowest = Math.min(lowest, ratio)
    if (ratio < MIN_CONTRAST) failures.push(`${where}: ${m.hex(m.over(fg, bg))} on ${m.hex(bg)} = ${ratio.toFixed(2)}`)
  }
  for (const rule of rules) {
    if (rule.parts.some(p => p.attrs.includes('disabled'))) continue
    const fg = rule.decls.color ? m.parseColor(rule.decls.color.value) : undefined
    const bg = m.backgroundColor(rule.decls)
    const where = `${rule.file} ${rule.text}`
    if (fg && bg) check(where, fg, bg[3] < 1 ? m.over(bg, pageBg) : bg)
    else if (fg && outerBackground(rule)) check(where, fg, outerBackground(rule))
    else if (fg) surfaces.forEach(s => check(where, fg, s))
    else if (bg && bg[3] === 1 && holdsText(rule)) check(where, pageText, bg)
  }
  // 导航栏：app.json 的文字颜色（white / black）在导航栏底色上
  const bar = app.window
  check('app.json navigationBar', m.parseColor(bar.navigationBarTextStyle), m.parseColor(bar.navigationBarBackgroundColor))
  expect(checked).toBeGreaterThan(100)
  expect(failures).toEqual([])
  console.log(`contrast: ${checked} pairs, lowest ${lowest.toFixed(2)}:1`)
})
