// 社区的地点（GET /communities/{id} 的树：网格 → 院落 → 楼栋）给选择器用，召集会议、发起表决共用。

// 树 → { courtyards: [{id, name}], buildings: [{id, name}] }，按树里的顺序
function placesOf(tree) {
  const courtyards = []
  const buildings = []
  for (const grid of (tree && tree.grids) || []) {
    for (const courtyard of grid.courtyards || []) {
      courtyards.push({ id: courtyard.id, name: courtyard.name })
      for (const building of courtyard.buildings || []) buildings.push({ id: building.id, name: building.name })
    }
  }
  return { courtyards, buildings }
}

// 选择器列表：[{id, name}] + 选中的 id → [{id, name, on}]
function marked(list, selected) {
  return list.map(item => Object.assign({}, item, { on: selected.includes(item.id) }))
}

module.exports = { placesOf, marked }
