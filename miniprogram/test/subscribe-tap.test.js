// 订阅消息授权框（wx.requestSubscribeMessage）只能由点击直接弹出：在点击处理函数里、任何 await 之前同步调用，
// 否则真机上报 “can only be invoked by user TAP gesture”，框根本不出来。
// 这里扫描源码：从 wx.requestSubscribeMessage 往外找，每一层函数里它（或调用它的函数）前面都不能有 await，
// 不能在有 await 的循环里（第二次就在 await 之后了），不能在 then、success、setTimeout 这类稍后才执行的回调里；
// 一直找到页面的点击处理函数（WXML 里 bindtap 的那个）。
const fs = require('fs')
const path = require('path')
const ast = require('./js-ast')
const scan = require('./contract-scan')

const ROOT = path.resolve(__dirname, '..')
const SUBSCRIBE = 'wx.requestSubscribeMessage'
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod'])
const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement'])
// 同步执行回调的：new Promise(executor) 和数组的这些方法
const SYNC_CALLBACKS = new Set(['forEach', 'map', 'filter', 'some', 'every', 'reduce', 'find', 'findIndex'])
const LATER_CALLBACK_KEYS = new Set(['success', 'fail', 'complete'])

function keyName(node) {
  return node.key && !node.computed ? node.key.name || node.key.value : null
}

// 调用的名字：wx.xxx 写全，别的调用只看函数名（this.submit、subscribe.requestConsents → submit、requestConsents）
function calleeName(call) {
  const callee = call.callee
  if (callee.type === 'Identifier') return callee.name
  if (callee.type !== 'MemberExpression' || callee.computed) return null
  if (callee.object.type === 'Identifier' && callee.object.name === 'wx') return `wx.${callee.property.name}`
  return callee.property.name
}

// node 里面（不进嵌套的函数）在 pos 之前、又不包着 pos 的 await
function awaitBefore(node, pos) {
  let found = false
  ast.walk(node, (child, ancestors) => {
    if (found || (ancestors.length && FUNCTIONS.has(child.type))) return false
    if (child.type === 'AwaitExpression' && child.start < pos && !(child.end >= pos)) found = true
    return undefined
  })
  return found
}

function containsAwait(node) {
  return awaitBefore(node, Infinity)
}

// 从一次调用往外找：返回 { why }（不是点击时同步执行的）或 { name }（它所在的、有名字的函数，接着查谁调用它）
function trace(site) {
  const chain = site.ancestors
  let pos = site.node.start
  for (let i = chain.length - 1; i > 0; i--) {
    const node = chain[i]
    const parent = chain[i - 1]
    if (LOOPS.has(node.type) && containsAwait(node)) return { why: '在有 await 的循环里：第二次弹框已经在 await 之后' }
    if (!FUNCTIONS.has(node.type)) continue
    if (awaitBefore(node, pos)) return { why: '前面有 await' }
    if (parent.type === 'ObjectProperty' && LATER_CALLBACK_KEYS.has(keyName(parent))) {
      return { why: `在 ${keyName(parent)} 回调里，不是点击时同步执行的` }
    }
    const isArgument = (parent.type === 'CallExpression' || parent.type === 'NewExpression') && parent.arguments.includes(node)
    if (isArgument) {
      const newPromise = parent.type === 'NewExpression' && parent.callee.name === 'Promise'
      if (!newPromise && !SYNC_CALLBACKS.has(calleeName(parent))) return { why: `在 ${calleeName(parent) || '别的函数'} 的回调里，不是点击时同步执行的` }
      pos = node.start
      continue
    }
    const name = (node.id && node.id.name) || keyName(node) || (parent.type === 'VariableDeclarator' && parent.id.name) || keyName(parent)
    return name ? { name } : { why: '在匿名函数里，看不出是不是点击时同步执行的' }
  }
  return { why: '不在函数里' }
}

// files: [{file, source}] → { offenders: [{file, line, name, why}], handlers: [{file, name}] }
// handlers：弹授权框的、源码里没有谁调用的函数（应该是 WXML 里绑定的点击处理函数）
function analyze(files) {
  const sites = []
  files.forEach(({ file, source }) => ast.walk(ast.parse(source), (node, ancestors) => {
    const name = node.type === 'CallExpression' && calleeName(node)
    if (name) sites.push({ file, node, ancestors, name })
  }))
  const askers = new Map([[SUBSCRIBE, null]]) // 名字 → 定义它的文件
  const offenders = []
  const done = new Set()
  for (let grew = true; grew; ) {
    grew = false
    sites.filter(site => askers.has(site.name) && !done.has(site)).forEach(site => {
      done.add(site)
      const verdict = trace(site)
      if (verdict.why) offenders.push({ file: site.file, line: site.node.loc.start.line, name: site.name, why: verdict.why })
      else if (!askers.has(verdict.name)) {
        askers.set(verdict.name, site.file)
        grew = true
      }
    })
  }
  const called = new Set(sites.map(site => site.name))
  const handlers = [...askers].filter(([name, file]) => file && !called.has(name)).map(([name, file]) => ({ file, name }))
  return { offenders, handlers }
}

describe('找得出“await 之后才弹授权框”', () => {
  const check = source => analyze([{ file: 'x.js', source }])
  const whys = source => check(source).offenders.map(o => o.why)

  test('点击处理函数里直接调用、new Promise 里调用：可以', () => {
    const result = check(`
      function ask(ids) { return new Promise(resolve => { wx.requestSubscribeMessage({ tmplIds: ids, success: resolve }) }) }
      Component({ methods: { onTap() { const asking = ask(['T']); return asking.then(() => this.save()) } } })`)
    expect(result.offenders).toEqual([])
    expect(result.handlers).toEqual([{ file: 'x.js', name: 'onTap' }])
  })

  test('await 之后调用，或者调用了“await 之后才弹框”的函数：不行', () => {
    expect(whys('Component({ methods: { async onTap() { await this.load(); wx.requestSubscribeMessage({}) } } })')).toEqual(['前面有 await'])
    expect(whys(`
      function ask() { wx.requestSubscribeMessage({}) }
      async function later() { await load(); ask() }`)).toEqual(['前面有 await'])
  })

  test('循环里分批弹框、回调里弹框：不行', () => {
    expect(whys('async function ask(batches) { for (const b of batches) { await wx.requestSubscribeMessage({ tmplIds: b }) } }'))
      .toEqual(['在有 await 的循环里：第二次弹框已经在 await 之后'])
    expect(whys("function ask() { return load().then(list => wx.requestSubscribeMessage({ tmplIds: list })) }"))
      .toEqual(['在 then 的回调里，不是点击时同步执行的'])
    expect(whys('function ask() { wx.request({ success: () => wx.requestSubscribeMessage({}) }) }'))
      .toEqual(['在 success 回调里，不是点击时同步执行的'])
  })
})

describe('小程序源码', () => {
  const files = scan.listSourceFiles(ROOT).map(file => ({ file: path.relative(ROOT, file), source: fs.readFileSync(file, 'utf8') }))
  const { offenders, handlers } = analyze(files)

  test('没有在 await 之后（或稍后的回调里）弹订阅消息授权框', () => {
    expect(offenders).toEqual([])
  })

  test('弹授权框的都是页面的点击处理函数（WXML 里 bindtap 绑定的）', () => {
    expect(handlers.map(h => `${h.file} ${h.name}`).sort()).toEqual([
      'pages/matter-new/matter-new.js onSubmitTap',
      'pages/meeting/meeting.js onReplyTap',
      'pages/notifications/notifications.js onEnableReminder',
    ])
    handlers.forEach(({ file, name }) => {
      const wxml = fs.readFileSync(path.join(ROOT, file.replace(/\.js$/, '.wxml')), 'utf8')
      expect(wxml).toMatch(new RegExp(`(bind|catch):?tap="${name}"`))
    })
  })
})
