// 从 WXSS 和 WXML 算出长辈模式下的字号、点击区域和颜色对比度（test/elder-mode.test.js 用）。
// WXSS 用 postcss 解析；层叠按 CSS 的规则算：!important 优先，其次选择器的优先级，再次先后（app.wxss 在
// 页面的 wxss 之前）。支持小程序里用到的选择器：标签、.class、标签.class、[属性]、后代（空格）。
const fs = require('fs')
const path = require('path')
const postcss = require('postcss')

const ROOT = path.resolve(__dirname, '..')

function read(rel) {
  return fs.readFileSync(path.join(ROOT, rel), 'utf8')
}

function wxssFiles() {
  const files = ['app.wxss']
  for (const dir of ['pages', 'components']) {
    for (const name of fs.readdirSync(path.join(ROOT, dir))) {
      for (const file of fs.readdirSync(path.join(ROOT, dir, name))) {
        if (file.endsWith('.wxss')) files.push(`${dir}/${name}/${file}`)
      }
    }
  }
  return files
}

// 一个简单选择器（复合选择器的一段）：tag、classes、attrs、伪类/伪元素
function parseCompound(text) {
  const compound = { tag: null, classes: [], attrs: [], pseudo: false }
  const re = /([a-zA-Z][\w-]*)|\.([\w-]+)|\[([\w-]+)[^\]]*\]|(::?[\w-]+(\([^)]*\))?)/g
  let m
  while ((m = re.exec(text))) {
    if (m[1]) compound.tag = m[1]
    else if (m[2]) compound.classes.push(m[2])
    else if (m[3]) compound.attrs.push(m[3])
    else if (m[4]) compound.pseudo = true
  }
  return compound
}

function parseSelector(selector) {
  const parts = selector.trim().split(/\s+/).map(parseCompound)
  const specificity = parts.reduce((s, p) => s + (p.classes.length + p.attrs.length) * 10 + (p.tag ? 1 : 0), 0)
  return { text: selector.trim(), parts, specificity }
}

// 一个文件的规则：[{file, selector, parts, specificity, order, decls: {prop: {value, important}}}]
let orderCounter = 0
function parseSheet(rel) {
  const rules = []
  postcss.parse(read(rel), { from: rel }).walkRules(rule => {
    if (rule.parent && rule.parent.type === 'atrule') return // @keyframes 等
    const decls = {}
    rule.walkDecls(d => { decls[d.prop] = { value: d.value.trim(), important: Boolean(d.important) } })
    const order = orderCounter++
    for (const selector of rule.selectors) {
      rules.push(Object.assign({ file: rel, decls, order }, parseSelector(selector)))
    }
  })
  return rules
}

function compoundMatches(compound, node) {
  if (compound.tag && compound.tag !== node.tag) return false
  if (compound.classes.some(c => !node.classes.includes(c))) return false
  if (compound.attrs.some(a => !(node.attrs || []).includes(a))) return false
  return true
}

// node: {tag, classes, attrs}; ancestors: 外层在前
function selectorMatches(rule, node, ancestors) {
  const parts = rule.parts
  if (parts[parts.length - 1].pseudo) return false
  if (!compoundMatches(parts[parts.length - 1], node)) return false
  let i = parts.length - 2
  for (let a = ancestors.length - 1; a >= 0 && i >= 0; a--) {
    if (compoundMatches(parts[i], ancestors[a])) i--
  }
  return i < 0
}

// 层叠后的声明 {prop: value}
function cascade(rules, node, ancestors) {
  const winners = {}
  for (const rule of rules) {
    if (!selectorMatches(rule, node, ancestors)) continue
    for (const [prop, decl] of Object.entries(rule.decls)) {
      const rank = [decl.important ? 1 : 0, rule.specificity, rule.order]
      const current = winners[prop]
      if (!current || compareRank(rank, current.rank) >= 0) winners[prop] = { value: decl.value, rank, rule }
    }
  }
  const values = {}
  for (const [prop, w] of Object.entries(winners)) values[prop] = w.value
  return values
}

function compareRank(a, b) {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}

// 长度 → px。rem 按根字号，em 按元素字号；百分比、auto 等返回 null
function px(value, { root, font }) {
  if (value === undefined || value === null) return null
  const m = String(value).trim().match(/^(-?\d*\.?\d+)(rem|px|em)?$/)
  if (!m) return null
  const n = Number(m[1])
  if (!m[2]) return n === 0 ? 0 : null
  if (m[2] === 'rem') return n * root
  if (m[2] === 'em') return n * font
  return n
}

// padding 简写 → [上, 右, 下, 左]（px）
function boxSides(value, ctx) {
  if (!value) return [0, 0, 0, 0]
  const v = value.replace(/!important/, '').trim().split(/\s+/).map(x => px(x, ctx) || 0)
  if (v.length === 1) return [v[0], v[0], v[0], v[0]]
  if (v.length === 2) return [v[0], v[1], v[0], v[1]]
  if (v.length === 3) return [v[0], v[1], v[2], v[1]]
  return v
}

// ---- 颜色 -------------------------------------------------------------------------------
const NAMED = { white: [255, 255, 255, 1], black: [0, 0, 0, 1] }

// '#abc'、'#aabbcc'、'rgb(…)'、'rgba(…)'、white/black → [r, g, b, a]；认不出（transparent、inherit、渐变）→ null
function parseColor(value) {
  if (!value) return null
  const v = value.trim().toLowerCase()
  if (NAMED[v]) return NAMED[v]
  let m = v.match(/^#([0-9a-f]{3}|[0-9a-f]{6})$/)
  if (m) {
    const hex = m[1].length === 3 ? m[1].split('').map(c => c + c).join('') : m[1]
    return [0, 2, 4].map(i => parseInt(hex.slice(i, i + 2), 16)).concat([1])
  }
  m = v.match(/^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)$/)
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])]
  return null
}

// background 简写里的颜色
function backgroundColor(decls) {
  const bg = decls['background-color'] || decls.background
  if (!bg) return undefined
  const m = bg.value.match(/#[0-9a-fA-F]{3,6}\b|rgba?\([^)]*\)|\b(white|black)\b/)
  return m ? parseColor(m[0]) : null
}

// 半透明的颜色叠在底色上
function over(top, bottom) {
  const a = top[3]
  return [0, 1, 2].map(i => Math.round(top[i] * a + bottom[i] * (1 - a))).concat([1])
}

function luminance([r, g, b]) {
  const lin = c => { const s = c / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4 }
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

function hex(c) {
  return '#' + c.slice(0, 3).map(n => n.toString(16).padStart(2, '0')).join('')
}

// ---- WXML ---------------------------------------------------------------------------------
const NATIVE_TAPPABLE = ['button', 'picker', 'switch', 'input', 'textarea', 'navigator', 'checkbox', 'radio', 'slider']

// WXML → 元素树（只要标签、class、属性名、有没有点击事件）。class 里 {{…}} 中带引号的词算作可能出现的 class。
function parseWxml(text) {
  const root = { tag: '#root', children: [], classes: [], optional: [], attrs: [] }
  const stack = [root]
  const re = /<!--[\s\S]*?-->|<\/([\w-]+)\s*>|<([\w-]+)((?:\s+[\w:.-]+(?:=(?:"[^"]*"|'[^']*'))?)*)\s*(\/?)>/g
  let m
  let last = 0
  while ((m = re.exec(text))) {
    // 两个标签之间有字：这一层元素里有文字
    if (text.slice(last, m.index).trim()) stack[stack.length - 1].hasText = true
    last = re.lastIndex
    if (m[0].startsWith('<!--')) continue
    if (m[1]) {
      while (stack.length > 1 && stack.pop().tag !== m[1]) { /* 不配对的按最近的关掉 */ }
      continue
    }
    const attrText = m[3] || ''
    const attrs = {}
    const are = /([\w:.-]+)(?:=(?:"([^"]*)"|'([^']*)'))?/g
    let a
    while ((a = are.exec(attrText))) attrs[a[1]] = a[2] !== undefined ? a[2] : (a[3] || '')
    const classText = attrs.class || ''
    const staticClasses = classText.replace(/\{\{[\s\S]*?\}\}/g, ' ').split(/\s+/).filter(Boolean)
    const optional = []
    for (const expr of classText.match(/\{\{[\s\S]*?\}\}/g) || []) {
      for (const q of expr.match(/'([^']*)'/g) || []) optional.push(...q.slice(1, -1).split(/\s+/).filter(Boolean))
    }
    const node = {
      tag: m[2], classes: staticClasses, optional, attrs: Object.keys(attrs), attrValues: attrs, children: [],
      tappable: NATIVE_TAPPABLE.includes(m[2]) || Object.keys(attrs).some(k => /^(bind|catch):?tap$/.test(k)),
    }
    stack[stack.length - 1].children.push(node)
    if (!m[4] && m[2] !== 'input' && m[2] !== 'image') stack.push(node)
  }
  return root
}

// 元素里面（连同里面的元素）有没有字
function containsText(node) {
  return Boolean(node.hasText) || node.children.some(containsText)
}

// 树里的每个元素和它的祖先
function walk(node, ancestors, visit) {
  for (const child of node.children) {
    visit(child, ancestors)
    walk(child, ancestors.concat([child]), visit)
  }
}

module.exports = {
  ROOT, read, wxssFiles, parseSheet, cascade, px, boxSides, parseColor, backgroundColor, over, contrast, hex,
  parseWxml, walk, containsText, NATIVE_TAPPABLE,
}
