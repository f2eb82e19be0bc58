// 测试里读源码用的语法树小工具（@babel/parser）：契约测试找 api 调用和请求体，订阅消息测试找 await。
const { parse: babelParse } = require('@babel/parser')

// 小程序的 CommonJS 脚本，也读社区工作台（console/）的 ES 模块：有 import/export 的按模块解析
function parse(source) {
  return babelParse(source, { sourceType: 'unambiguous', allowReturnOutsideFunction: true })
}

function isNode(value) {
  return Boolean(value) && typeof value.type === 'string'
}

// 访问每个节点：visit(node, ancestors)，ancestors 从根到父节点；visit 返回 false 时不进入这个节点里面
function walk(node, visit, ancestors = []) {
  if (visit(node, ancestors) === false) return
  const chain = ancestors.concat([node])
  for (const key of Object.keys(node)) {
    if (key === 'loc' || /comments$/i.test(key)) continue
    const value = node[key]
    if (Array.isArray(value)) value.filter(isNode).forEach(child => walk(child, visit, chain))
    else if (isNode(value)) walk(value, visit, chain)
  }
}

module.exports = { parse, walk }
