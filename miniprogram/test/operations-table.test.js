// 根目录 README 的“API operations and who uses them”表：每个 API 操作都有人用（小程序的文件，
// 或写明的别处和原因），表和代码一致。加了接口没有页面用、页面不再调用、README 没更新，都会失败。
const fs = require('fs')
const path = require('path')
const scan = require('./contract-scan')
const { ELSEWHERE, documentedNames, rows, table } = require('./operations-table')

const ROOT = path.resolve(__dirname, '..')
const README = path.resolve(ROOT, '..', 'README.md')
const START = '<!-- operations:start -->'
const END = '<!-- operations:end -->'

let doc
let calls

beforeAll(() => {
  doc = scan.loadOpenApi()
  calls = scan.scanProject(ROOT).calls
})

test('每个 API 操作都有人用：小程序里的文件，或写明的别处', () => {
  expect(rows(doc, calls).unused).toEqual([])
})

test('写在别处的操作确实存在，小程序也确实没有用 api.* 调用它', () => {
  const documented = documentedNames(doc)
  const called = new Set(calls.map(c => `${c.method} ${c.path}`))
  for (const key of Object.keys(ELSEWHERE)) {
    expect([key, documented.has(key)]).toEqual([key, true])
    expect([key, called.has(key)]).toEqual([key, false])
  }
})

test('写成“小程序的某个文件”的，那个文件里确实用到这个路径', () => {
  for (const [key, who] of Object.entries(ELSEWHERE).filter(([, w]) => w.endsWith('.js'))) {
    const segment = key.split(' ')[1].split('/').filter(part => part && part !== '{}').pop()
    expect([key, fs.readFileSync(path.join(ROOT, who), 'utf8').includes(segment)]).toEqual([key, true])
  }
})

test('README 里的表就是按代码生成的这一张（OPENAPI_JSON=../build/openapi.json node test/operations-table.js）', () => {
  const text = fs.readFileSync(README, 'utf8')
  const start = text.indexOf(START)
  const end = text.indexOf(END)
  expect(start).toBeGreaterThan(-1)
  expect(end).toBeGreaterThan(start)
  expect(text.slice(start + START.length, end).trim()).toEqual(table(doc, calls))
})
