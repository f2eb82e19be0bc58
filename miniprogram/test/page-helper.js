// 用 miniprogram-simulate 加载页面。本项目的页面用 Component 构造器编写，
// 所以可以直接 simulate.load 页面路径；页面生命周期（onLoad/onShow）由测试手动调用。
const path = require('path')
const simulate = require('miniprogram-simulate')

const ROOT = path.resolve(__dirname, '..')

// 同一个页面只 load 一次：在 jest 里页面 js 被 require 后会留在模块缓存中，
// 再次 load 不会重新执行 Component()。每次 render 都会得到一个全新的页面实例。
const loaded = {}

function loadPage(pagePath) {
  if (!loaded[pagePath]) loaded[pagePath] = simulate.load(path.join(ROOT, pagePath), { rootPath: ROOT })
  const page = simulate.render(loaded[pagePath])
  page.attach(document.createElement('parent-wrapper'))
  return page
}

// 页面（或其中某个节点）上的全部文字，去掉多余空白
function textOf(page, selector) {
  const node = selector ? page.querySelector(selector) : page
  if (!node) return null
  return node.dom.textContent.replace(/\s+/g, ' ').trim()
}

// 节点在 WXML 里绑定的属性值（如 image 的 src、button 的 disabled）。j-component 不把它们写进 DOM，
// 这里从它的虚拟节点上读。节点不存在时返回 null，没有这个属性时返回 undefined。
function attr(page, selector, name) {
  const node = page.querySelector(selector)
  if (!node) return null
  const found = ((node._exparserNode && node._exparserNode._vt && node._exparserNode._vt.attrs) || []).find(a => a.name === name)
  return found ? found.value : undefined
}

// j-component 派发事件是异步的（微任务），所以这里等事件处理函数开始执行后再返回。
// 处理函数里后续的异步步骤（请求等）需要测试自己等待。
async function dispatch(page, selector, eventName, options) {
  const node = page.querySelector(selector)
  if (!node) throw new Error(`no node matches ${selector}`)
  node.dispatchEvent(eventName, options)
  await Promise.resolve()
  await Promise.resolve()
}

function tap(page, selector) {
  return dispatch(page, selector, 'tap')
}

function input(page, selector, value) {
  return dispatch(page, selector, 'input', { detail: { value } })
}

// 后端 MatterBrief 的样子（诉求列表、三事分流、诉求详情共有的字段），fields 覆盖默认值。
// 和后端一样，class_label 跟着 matter_class 走（fields 里明写了就用明写的）；
// 改了 category 时请一并给出后端的 category_name。
const CLASS_LABELS = { major: '大事', minor: '小事', private: '私事' }

function matterBrief(id, fields = {}) {
  const brief = Object.assign({
    id,
    title: `诉求${id}`,
    category: 'street_lamp',
    category_name: '路灯',
    status: 'submitted',
    status_label: '待分类',
    text_check: 'passed',
    text_check_label: null,
    matter_class: null,
    community_id: 1,
    building_id: 1,
    building_name: '1幢',
    created_at: new Date(Date.now() - 10 * 60 * 1000).toISOString(),
    updated_at: new Date().toISOString(),
  }, fields)
  if (!('class_label' in fields)) brief.class_label = CLASS_LABELS[brief.matter_class] || null
  return brief
}

module.exports = { loadPage, textOf, attr, dispatch, tap, input, matterBrief }
