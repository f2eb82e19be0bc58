// 根目录 README 的“API operations and who uses them”表：每个 API 操作都有人用（小程序的文件，
// 或写明的别处和原因），表和代码一致。加了接口没有页面用、页面不再调用、README 没更新，都会失败。
const fs = require('fs')
const path = require('path')
const scan = require('./contract-scan')
const { ELSEWHERE, documentedNames, projectCalls, rows, table } = require('./operations-table')

const ROOT = path.resolve(__dirname, '..')
const README = path.resolve(ROOT, '..', 'README.md')
const START = '<!-- operations:start -->'
const END = '<!-- operations:end -->'

let doc
let calls

beforeAll(() => {
  doc = scan.loadOpenApi()
  calls = projectCalls(ROOT)
})

test('每个 API 操作都有人用：小程序或社区工作台里的文件，或写明的别处', () => {
  expect(rows(doc, calls).unused).toEqual([])
})

test('写在别处的操作确实存在，小程序和社区工作台也确实没有用 api.* 调用它（用了就从 ELSEWHERE 删掉）', () => {
  const documented = documentedNames(doc)
  for (const [key, who] of Object.entries(ELSEWHERE)) {
    expect([key, documented.has(key)]).toEqual([key, true])
    // 写的是小程序的文件（不经 api.* 用它）：那个文件不用 api.* 调它；写的是别处：谁都不用 api.* 调它
    const callers = calls.filter(c => `${c.method} ${c.path}` === key && (!who.endsWith('.js') || c.file === who))
    expect([key, callers.map(c => c.file)]).toEqual([key, []])
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
