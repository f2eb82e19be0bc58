// jest 自定义报告器：在默认输出之后再打印一行 “jest: N passed, N failed, N skipped”，
// 方便 CI 脚本按统一格式读取测试结果。
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites
    const skipped = results.numPendingTests + results.numTodoTests
    process.stdout.write(`jest: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}

module.exports = SummaryReporter
