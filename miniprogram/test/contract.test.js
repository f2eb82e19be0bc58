// 契约测试：小程序里每一个 api.get/post/patch/put/del 调用，都必须是后端 OpenAPI 文档里
// 存在的“方法 + 路径”。文档路径由环境变量 OPENAPI_JSON 给出（Makefile 先从后端导出再跑 jest）。
const path = require('path')
const scan = require('./contract-scan')

const ROOT = path.resolve(__dirname, '..')
const { calls, nonLiteral } = scan.scanProject(ROOT)

describe('扫描器本身', () => {
  test('找到了 api 调用（扫描不会悄悄地什么都没找到）', () => {
    expect(calls.length).toBeGreaterThan(0)
    // 已知的几个调用必须被扫到
    const found = calls.map(c => `${c.method} ${c.path}`)
    expect(found).toEqual(expect.arrayContaining(['get /me', 'post /auth/login', 'post /households/join']))
  })

  test('没有路径不是字面量的调用（否则无法核对契约）', () => {
    expect(nonLiteral).toEqual([])
  })

  test('能识别单引号、双引号、模板字符串，跳过注释，标出非字面量路径', () => {
    const src = [
      "api.get('/me')",
      'api.post("/auth/login", { code })',
      'api.post(`/households/${household.id}/join-codes`, {}, { idempotencyKey })',
      'api.del(`/issues/${id}/votes/${voteId}?force=1`)',
      "// api.get('/commented-out')",
      "/* api.patch('/also-commented') */",
      "const url = 'http://example.test/x' // 字符串里的 // 不是注释",
      'api.patch(somePath, data)',
    ].join('\n')
    const { calls: found, nonLiteral: bad } = scan.findApiCalls(src)
    expect(found.map(c => `${c.method} ${c.path}`)).toEqual([
      'get /me',
      'post /auth/login',
      'post /households/{}/join-codes',
      'delete /issues/{}/votes/{}',
    ])
    expect(bad).toEqual([expect.objectContaining({ method: 'patch', line: 8 })])
  })

  test('OpenAPI 路径去掉 /api/v1 前缀，参数名换成占位符', () => {
    expect(scan.normalizeOpenApiPath('/api/v1/households/{household_id}/join-codes')).toBe('/households/{}/join-codes')
    expect(scan.normalizeOpenApiPath('/api/v1/me')).toBe('/me')
    expect(scan.normalizeOpenApiPath('/api/v1x/me')).toBe('/api/v1x/me')
  })

  test('OPENAPI_JSON 没设置或文件不存在时给出明确报错', () => {
    expect(() => scan.loadOpenApi({})).toThrow(/OPENAPI_JSON is not set/)
    expect(() => scan.loadOpenApi({ OPENAPI_JSON: path.join(ROOT, 'no-such-openapi.json') })).toThrow(/missing file/)
  })
})

describe('与后端 OpenAPI 文档一致', () => {
  let operations

  beforeAll(() => {
    operations = scan.documentedOperations(scan.loadOpenApi())
  })

  test.each(calls.map(c => [`${c.method.toUpperCase()} ${c.rawPath}`, c]))('%s 在 OpenAPI 文档里', (_name, call) => {
    const key = `${call.method} ${call.path}`
    if (!operations.has(key)) {
      throw new Error(
        `${call.file}:${call.line} calls ${call.method.toUpperCase()} ${call.rawPath} ` +
          `(as ${key}), which is not in the OpenAPI document ${process.env.OPENAPI_JSON}`,
      )
    }
  })
})

// 照片上传走 wx.uploadFile（multipart），不是 api.get/post，上面的扫描看不到它。
// 这里单独核对：只有 utils/upload.js 上传；上传路径是字面量 '/photos'；
// 后端文档里有 POST /photos 时，核对它收 multipart 的 file 字段、201 返回 id；
// MatterIn 有 photo_ids 时核对它是整数数组。后端文档里还没有时这两条显示为 skipped（不算失败），
// jest 最后一行的 skipped 数会提醒这里还差后端。
describe('照片上传（wx.uploadFile）', () => {
  const fs = require('fs')
  const upload = require('../utils/upload')

  let doc = null
  try {
    doc = scan.loadOpenApi()
  } catch (err) {
    doc = null // 没有文档时上面的测试已经会失败并说明原因
  }
  const schemas = (doc && doc.components && doc.components.schemas) || {}
  const resolve = schema => {
    const ref = schema && schema.$ref
    return ref ? schemas[ref.split('/').pop()] : schema
  }
  const photoPath = doc && Object.keys(doc.paths).find(p => scan.normalizeOpenApiPath(p) === upload.PHOTOS_PATH)
  const photoOp = photoPath && doc.paths[photoPath].post
  const matterIn = resolve(schemas.MatterIn)
  const hasPhotoIds = Boolean(matterIn && matterIn.properties && matterIn.properties.photo_ids)

  test('只有 utils/upload.js 调用 wx.uploadFile', () => {
    const callers = scan
      .listSourceFiles(ROOT)
      .filter(file => /\bwx\.uploadFile\s*\(/.test(scan.stripComments(fs.readFileSync(file, 'utf8'))))
      .map(file => path.relative(ROOT, file))
    expect(callers).toEqual([path.join('utils', 'upload.js')])
  })

  test('上传地址是 API_BASE + 字面量 /photos，文件字段叫 file', () => {
    expect(upload.PHOTOS_PATH).toBe('/photos')
    expect(upload.FILE_FIELD).toBe('file')
    expect(upload.photosUrl()).toBe(`${require('../config').API_BASE}/photos`)
  })

  const photoTest = photoOp ? test : test.skip
  photoTest(`POST ${upload.PHOTOS_PATH} 在 OpenAPI 文档里：multipart 的 file 字段，201 返回 id${photoOp ? '' : '（后端文档里还没有，暂时跳过）'}`, () => {
    const content = (photoOp.requestBody && photoOp.requestBody.content) || {}
    const body = resolve(content['multipart/form-data'] && content['multipart/form-data'].schema)
    expect(body && body.properties).toHaveProperty(upload.FILE_FIELD)
    const created = photoOp.responses && photoOp.responses['201']
    expect(created).toBeDefined()
    const out = resolve(created.content && created.content['application/json'] && created.content['application/json'].schema)
    expect(out && out.properties).toHaveProperty('id')
  })

  const idsTest = hasPhotoIds ? test : test.skip
  idsTest(`MatterIn.photo_ids 是整数数组${hasPhotoIds ? '' : '（后端文档里还没有，暂时跳过）'}`, () => {
    const field = matterIn.properties.photo_ids
    expect(field.type).toBe('array')
    expect(field.items.type).toBe('integer')
  })
})
