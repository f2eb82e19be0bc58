// 每个 API 操作由谁用：小程序或社区工作台（console/src）里调用它的文件（contract-scan 扫出来的），
// 或者 ELSEWHERE 里写明的别处（微信服务器、运维、图片地址）和原因。根目录 README 的“API operations and who
// uses them”一节就是 table() 的输出，operations-table.test.js 保证两者一致、没有哪个操作没人用。
// 重新生成：OPENAPI_JSON=../build/openapi.json node test/operations-table.js
const path = require('path')
const scan = require('./contract-scan')

// 小程序和社区工作台都不经 api.* 调用的操作：谁用、为什么。值以 .js 结尾的是小程序里用到它的文件
// （wx.uploadFile / wx.downloadFile / 图片地址），测试会核对那个文件里确实有这个路径；工作台经 api.*
// 调用的同时写在表里。
const ELSEWHERE = {
  'get /healthz': 'ops: the load balancer and monitoring',
  'post /communities': 'desk: admin sets up a community',
  'post /communities/{}/grids': 'desk: places are set up at a desk, or by the roster import',
  'post /grids/{}/courtyards': 'desk: places are set up at a desk, or by the roster import',
  'post /courtyards/{}/buildings': 'desk: places are set up at a desk, or by the roster import',
  'post /buildings/{}/households': 'desk: households come from the roster import, or are added at a desk',
  'post /households/{}/members': 'desk: staff add a member after a home visit; on the phone residents join with a code',
  'delete /households/{}/members/{}': 'desk: removing a member who moved out',
  'post /communities/{}/roster': 'desk: the console\'s roster import (console/src/components/community/RosterImport.vue, a multipart upload)',
  'post /departments': 'desk: admin adds a department',
  'post /communities/{}/volunteer-teams': 'desk: staff add a volunteer team',
  'post /communities/{}/matter-categories': 'desk: staff add a category',
  'get /communities/{}/triage-sheet': 'pages/stats/stats.js',
  'post /photos': 'utils/upload.js',
  'post /voice-notes': 'utils/voice.js',
  'get /voice-notes/{}': 'utils/voice.js',
  'get /photos/{}': 'images: the signed URLs a matter\'s view hands out',
  'get /photos/{}/thumbnail': 'images: the signed URLs a matter\'s view hands out',
  'get /fund-entries/{}': 'desk: one ledger entry by the id an audit entry or a correction names (the street office\'s checks)',
  'get /polls/{}/my-ballot': 'not needed on the phone: the poll\'s view carries my_ballot',
  'get /polls/{}/named-ballots': 'desk: supervisors read a named poll\'s ballots after the close',
  'get /wechat/push': 'WeChat\'s servers (the push URL check)',
  'post /wechat/push': 'WeChat\'s servers (image check verdicts)',
}

// "get /polls/{}" → 文档里的原样路径 "GET /api/v1/polls/{poll_id}"
function documentedNames(doc) {
  const names = new Map()
  for (const [rawPath, item] of Object.entries(doc.paths || {})) {
    for (const method of Object.keys(item)) {
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) {
        names.set(`${method} ${scan.normalizeOpenApiPath(rawPath)}`, `${method.toUpperCase()} ${rawPath}`)
      }
    }
  }
  return names
}

function usedBy(calls) {
  const files = new Map()
  for (const call of calls) {
    const key = `${call.method} ${call.path}`
    if (!files.has(key)) files.set(key, new Set())
    files.get(key).add(call.file)
  }
  return files
}

// 表的每一行：[操作, 谁用]；没人用的操作在 unused 里
function rows(doc, calls) {
  const files = usedBy(calls)
  const result = []
  const unused = []
  for (const [key, name] of documentedNames(doc)) {
    const who = [...(files.get(key) || [])].sort().concat(ELSEWHERE[key] ? [ELSEWHERE[key]] : []).join(', ')
    if (who) result.push([name, who])
    else unused.push(key)
  }
  return { rows: result, unused }
}

function table(doc, calls) {
  const lines = ['| operation | used by |', '|---|---|']
  for (const [name, who] of rows(doc, calls).rows) lines.push(`| \`${name}\` | ${who} |`)
  return lines.join('\n')
}

// 小程序（root 下）和社区工作台（root/../console/src）的全部 api 调用
function projectCalls(root) {
  return scan.scanProject(root).calls.concat(scan.scanConsole(path.resolve(root, '..', 'console', 'src')))
}

if (require.main === module) {
  process.stdout.write(table(scan.loadOpenApi(), projectCalls(path.resolve(__dirname, '..'))) + '\n')
}

module.exports = { ELSEWHERE, documentedNames, projectCalls, rows, table }
