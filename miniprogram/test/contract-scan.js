// 契约检查用的源码扫描工具：找出小程序里所有 api.get/post/patch/put/del 调用（和 POST/PATCH/PUT 发的字段），
// 与后端导出的 OpenAPI 文档比对。供 test/contract.test.js 使用。
const fs = require('fs')
const path = require('path')
const ast = require('./js-ast')

const API_PREFIX = '/api/v1'
const EXCLUDED_DIRS = new Set(['node_modules', 'test', 'miniprogram_npm', 'coverage'])
const HTTP_METHODS = { get: 'get', post: 'post', patch: 'patch', put: 'put', del: 'delete' }
const PLACEHOLDER = '{}'

// 列出 root 下所有 .js 文件（跳过 node_modules、test 等目录），返回绝对路径
function listSourceFiles(root) {
  const out = []
  const walk = dir => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (!EXCLUDED_DIRS.has(entry.name)) walk(full)
      } else if (entry.isFile() && entry.name.endsWith('.js')) {
        out.push(full)
      }
    }
  }
  walk(root)
  return out.sort()
}

// 把注释换成空白（保留换行，行号不变），字符串和模板字符串原样保留。
// 这样注释里的示例调用不会被当成真实调用。
function stripComments(src) {
  let out = ''
  let i = 0
  let quote = null
  while (i < src.length) {
    const ch = src[i]
    const next = src[i + 1]
    if (quote) {
      out += ch
      if (ch === '\\') {
        out += next === undefined ? '' : next
        i += 2
        continue
      }
      if (ch === quote) quote = null
      i += 1
      continue
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch
      out += ch
      i += 1
      continue
    }
    if (ch === '/' && next === '/') {
      while (i < src.length && src[i] !== '\n') {
        out += ' '
        i += 1
      }
      continue
    }
    if (ch === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2)
      const stop = end === -1 ? src.length : end + 2
      out += src.slice(i, stop).replace(/[^\n]/g, ' ')
      i = stop
      continue
    }
    out += ch
    i += 1
  }
  return out
}

// `${...}` → {}，去掉查询串
function normalizeCallPath(rawPath) {
  return rawPath.replace(/\$\{[^}]*\}/g, PLACEHOLDER).split('?')[0]
}

// "/api/v1/households/{household_id}/join-codes" → "/households/{}/join-codes"
function normalizeOpenApiPath(docPath) {
  const withoutPrefix = docPath === API_PREFIX || docPath.startsWith(`${API_PREFIX}/`) ? docPath.slice(API_PREFIX.length) : docPath
  return (withoutPrefix || '/').replace(/\{[^}]+\}/g, PLACEHOLDER)
}

// 对象字面量的字段："a"、嵌套对象 "a.b"、对象数组 "a[].b"。有展开（...x）或计算出来的键时返回 null（扫不清）。
function objectFields(node, prefix = '') {
  const fields = []
  for (const prop of node.properties) {
    if (prop.type !== 'ObjectProperty' || prop.computed) return null
    const name = prefix + (prop.key.type === 'Identifier' ? prop.key.name : String(prop.key.value))
    fields.push(name)
    const nested = []
    if (prop.value.type === 'ObjectExpression') nested.push(objectFields(prop.value, `${name}.`))
    if (prop.value.type === 'ArrayExpression') {
      prop.value.elements.filter(e => e && e.type === 'ObjectExpression').forEach(e => nested.push(objectFields(e, `${name}[].`)))
    }
    if (nested.includes(null)) return null
    nested.forEach(list => fields.push(...list))
  }
  return fields
}

// POST/PATCH/PUT 发的请求体：null（不发）、{ fields }（对象字面量，扫得出字段）、{ variable }（变量等，扫不出，
// 契约测试里按调用登记字段）
function requestBody(src, node) {
  if (!node || (node.type === 'Identifier' && node.name === 'undefined')) return null
  const fields = node.type === 'ObjectExpression' ? objectFields(node) : null
  return fields ? { fields } : { variable: src.slice(node.start, node.end) }
}

// 在一段源码里找调用（用 @babel/parser 解析，注释里的示例不算）。返回 { calls, nonLiteral }：
//   calls：路径是字面量/模板字符串的调用 [{method, rawPath, path, line, body}]（body 见 requestBody，GET/DELETE 没有）
//   nonLiteral：路径不是字面量的调用（契约检查无法核对，一律算错）
function findApiCalls(source) {
  const calls = []
  const nonLiteral = []
  ast.walk(ast.parse(source), node => {
    const callee = node.type === 'CallExpression' && node.callee
    if (!callee || callee.type !== 'MemberExpression' || callee.computed) return
    if (callee.object.type !== 'Identifier' || callee.object.name !== 'api' || !HTTP_METHODS[callee.property.name]) return
    const method = HTTP_METHODS[callee.property.name]
    const [pathArg, bodyArg] = node.arguments
    const line = node.loc.start.line
    if (!pathArg || (pathArg.type !== 'StringLiteral' && pathArg.type !== 'TemplateLiteral')) {
      nonLiteral.push({ method, line, snippet: source.slice(node.start, node.start + 60).split('\n')[0] })
      return
    }
    const rawPath = source.slice(pathArg.start + 1, pathArg.end - 1)
    const call = { method, rawPath, path: normalizeCallPath(rawPath), line }
    if (['post', 'patch', 'put'].includes(method)) call.body = requestBody(source, bodyArg)
    calls.push(call)
  })
  return { calls, nonLiteral }
}

// 扫描整个小程序目录
function scanProject(root) {
  const calls = []
  const nonLiteral = []
  for (const file of listSourceFiles(root)) {
    const rel = path.relative(root, file)
    const found = findApiCalls(fs.readFileSync(file, 'utf8'))
    found.calls.forEach(c => calls.push(Object.assign({ file: rel }, c)))
    found.nonLiteral.forEach(c => nonLiteral.push(Object.assign({ file: rel }, c)))
  }
  return { calls, nonLiteral }
}

// 社区工作台（console/src，Vue 单文件组件和 ES 模块）里的 api 调用，file 写成 console/src/…，
// 给根目录 README 的“谁用哪个接口”表用。.vue 只读其中的 <script>（Vue 自己的编译器在 console/ 的依赖里，这里用不到）。
function scanConsole(consoleSrc) {
  const calls = []
  const walk = dir => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (/\.(js|vue)$/.test(entry.name)) {
        const text = fs.readFileSync(full, 'utf8')
        const scripts = entry.name.endsWith('.vue') ? [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map(m => m[1]) : [text]
        const file = path.join('console', 'src', path.relative(consoleSrc, full)).split(path.sep).join('/')
        for (const script of scripts) findApiCalls(script).calls.forEach(c => calls.push(Object.assign({ file }, c)))
      }
    }
  }
  if (fs.existsSync(consoleSrc)) walk(consoleSrc)
  return calls
}

// 读取 OPENAPI_JSON 指向的文档；没设置或读不了时给出明确的报错
function loadOpenApi(env = process.env) {
  const file = env.OPENAPI_JSON
  if (!file) {
    throw new Error(
      'OPENAPI_JSON is not set. The contract test needs the backend OpenAPI document: ' +
        'run it through the Makefile (which exports the document from the backend first), ' +
        'or set OPENAPI_JSON=/path/to/openapi.json yourself.',
    )
  }
  if (!fs.existsSync(file)) {
    throw new Error(`OPENAPI_JSON points to a missing file: ${file}`)
  }
  let doc
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    throw new Error(`OPENAPI_JSON is not valid JSON (${file}): ${err.message}`)
  }
  if (!doc || typeof doc.paths !== 'object' || !Object.keys(doc.paths).length) {
    throw new Error(`OPENAPI_JSON has no "paths" (${file})`)
  }
  return doc
}

// 文档里的所有操作，形如 "post /households/{}/join-codes"
function documentedOperations(doc) {
  const ops = new Set()
  for (const [docPath, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item || {})) {
      if (['get', 'post', 'patch', 'put', 'delete'].includes(method)) {
        ops.add(`${method} ${normalizeOpenApiPath(docPath)}`)
      }
    }
  }
  return ops
}

// ---------- 响应字段 ----------

// 一个 schema 展开 $ref 和 anyOf/oneOf/allOf 以后的各个样子（可空的对象常写成 anyOf [{nullable}, {$ref}]）
function schemaVariants(doc, schema, seen = []) {
  if (!schema || typeof schema !== 'object') return []
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()
    if (seen.includes(name)) return []
    const target = doc.components && doc.components.schemas && doc.components.schemas[name]
    return schemaVariants(doc, target, seen.concat([name]))
  }
  const subs = [].concat(schema.anyOf || [], schema.oneOf || [], schema.allOf || [])
  return [schema].concat(...subs.map(sub => schemaVariants(doc, sub, seen)))
}

// 文档里的操作（"get /polls/{}"）；没有时 null
function operation(doc, key) {
  const [method, normalized] = key.split(' ')
  const docPath = Object.keys(doc.paths).find(p => normalizeOpenApiPath(p) === normalized && doc.paths[p] && doc.paths[p][method])
  return docPath ? doc.paths[docPath][method] : null
}

// 操作成功时的响应 schema（第一个 2xx 的 application/json）；没有时 null
function responseSchema(doc, key) {
  const op = operation(doc, key)
  const responses = (op && op.responses) || {}
  const status = Object.keys(responses).sort().find(code => /^2\d\d$/.test(code))
  const content = status && responses[status].content
  return (content && content['application/json'] && content['application/json'].schema) || null
}

// 操作收的 JSON 请求体 schema；没有时 null
function requestSchema(doc, key) {
  const op = operation(doc, key)
  const content = op && op.requestBody && op.requestBody.content
  return (content && content['application/json'] && content['application/json'].schema) || null
}

// schema（响应或请求体）里有没有这个字段："my_ballot.tracker"、"items[].photo.url"（[] 是数组的每一项）。
// 没有时返回说明（缺在哪一段），有时返回空串。
function missingField(doc, schema, dotted) {
  let current = schemaVariants(doc, schema)
  const done = []
  for (const segment of dotted.split('.')) {
    const array = segment.endsWith('[]')
    const name = array ? segment.slice(0, -2) : segment
    let next = []
    current.forEach(v => {
      const prop = v.properties && v.properties[name]
      if (prop) next.push(...schemaVariants(doc, prop))
    })
    done.push(segment)
    if (!next.length) return `no "${done.join('.')}"`
    if (array) {
      next = [].concat(...next.filter(v => v.items).map(v => schemaVariants(doc, v.items)))
      if (!next.length) return `"${done.join('.')}" is not an array`
    }
    current = next
  }
  return ''
}

module.exports = {
  schemaVariants,
  responseSchema,
  requestSchema,
  missingField,
  API_PREFIX,
  listSourceFiles,
  stripComments,
  normalizeCallPath,
  normalizeOpenApiPath,
  findApiCalls,
  scanProject,
  scanConsole,
  loadOpenApi,
  documentedOperations,
}
