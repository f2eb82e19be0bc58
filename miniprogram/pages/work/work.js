// 我的待办：GET /matters/assigned，交给我、或我代表的部门/居委会/义工队办理的、还没办完的诉求，
// 期限早的在前（超期的在最前，标红）；有住户标记（独居老人等）时显示。点一条到详情页办理。
// 页面用 Component 构造器编写，生命周期（onLoad 等）来自 utils/paged-list.js。
const api = require('../../utils/api')
const elder = require('../../utils/elder')
const matters = require('../../utils/matters')
const { pagedList } = require('../../utils/paged-list')

const PAGE_SIZE = 20

function dueText(due) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(due || '')
  return m ? `期限 ${Number(m[2])}月${Number(m[3])}日` : '没有期限'
}

function toItem(m) {
  return {
    id: m.id,
    title: m.title || '',
    meta: [m.building_name, m.place_text, m.category_name].filter(Boolean).join(' · '),
    statusLabel: m.status_label || '',
    classLabel: m.class_label || '',
    handlerLabel: m.handler_label || '',
    dueText: dueText(m.due_date),
    overdue: Boolean(m.overdue),
    flags: matters.flagLabels(m.household_flags),
  }
}

const list = pagedList({
  fetch(cursor) {
    return api.get('/matters/assigned', { cursor, limit: PAGE_SIZE }, { silent: true })
  },
  toItem,
  refreshOnShow: true, // 从详情页办结回来，那条就不在待办里了
})

Component({
  behaviors: [elder.behavior],
  data: {
    items: [],
    nextCursor: null,
    loading: false,
    loaded: false,
    loadError: '',
  },

  methods: Object.assign({}, list, {
    onTapItem(e) {
      wx.navigateTo({ url: `/pages/matter/matter?id=${e.currentTarget.dataset.id}` })
    },
  }),
})
