// 界面小工具：各页面共用的确认框。

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

module.exports = { confirm }
