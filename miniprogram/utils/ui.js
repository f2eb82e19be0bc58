// 界面小工具：各页面共用的确认框、表单提交前的检查。

// 弹出确认框；点“确定”resolve(true)，取消或失败 resolve(false)。
function confirm(title, content, confirmText) {
  return new Promise(resolve => {
    wx.showModal({
      title,
      content,
      confirmText: confirmText || '确定',
      cancelText: '取消',
      success: res => resolve(Boolean(res && res.confirm)),
      fail: () => resolve(false),
    })
  })
}

// 表单提交前：还在忙（data.busy）时不提交；页面的 validate() 说有问题时写进 formError。可以提交时返回 true
function formReady(page) {
  if (page.data.busy) return false
  const problem = page.validate()
  if (problem) page.setData({ formError: problem })
  return !problem
}

module.exports = { confirm, formReady }
