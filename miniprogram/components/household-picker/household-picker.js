// 代办时选一户：先选楼栋（我照看的：楼栋长的楼栋、网格员的网格、社区工作人员的社区里的，和“住户”页一样，
// utils/households.js），再点这栋楼的一户（GET /buildings/{id}/households，加载更多）。
// 点了一户触发 pick，detail 是 {id, communityId, address, headName}；“不代办了”触发 cancel，页面回到给自己办。
// 家人代办的人（/me 的 helping，本机缓存的用户里有）：`right` 是这件事要的权利（如 reply_meetings），有这项权利的
// 人家列在最上面“我代办的人家”，点了一样触发 pick（detail 多一个 helper: true）。
// 能不能替这户办由后端在做这件事时判断（范围外的答 403，api.js 弹出说明）。
const api = require('../../utils/api')
const households = require('../../utils/households')
const { formatHouseAddress } = require('../../utils/format')
const { pagedList } = require('../../utils/paged-list')

const PAGE_SIZE = 20

function toItem(h) {
  return {
    id: h.id,
    communityId: h.community_id,
    address: formatHouseAddress(h),
    headName: h.head_name || '',
  }
}

const { loadFirstPage, loadMore, showItems, setItems, retry } = pagedList({
  fetch(cursor) {
    return api.get(`/buildings/${this.data.buildingId}/households`, { cursor, limit: PAGE_SIZE }, { silent: true })
  },
  toItem,
})

Component({
  options: {
    styleIsolation: 'apply-shared', // 用 app.wxss 的选项块、卡片和按钮
  },

  properties: {
    // 这一块的标题，如“替哪一户反映？”
    title: { type: String, value: '替哪一户办？' },
    // 家人代办要的权利：report_and_follow、reply_meetings；空着就不列我代办的人家
    right: { type: String, value: '' },
  },

  data: {
    buildings: [],
    helped: [],
    buildingId: null,
    items: [],
    nextCursor: null,
    loading: false,
    loaded: false,
    loadError: '',
    noBuildings: false,
  },

  lifetimes: {
    attached() {
      this.start()
    },
  },

  methods: {
    loadFirstPage, loadMore, showItems, setItems,

    async start() {
      try {
        const { user, buildings } = await households.lookAfterBuildings()
        const helped = households.helpedFor(user, this.data.right)
        this.setData({ buildings, helped, noBuildings: !buildings.length && !helped.length, loadError: '' })
        if (!buildings.length) return
        this.setData({ buildingId: buildings[0].id })
        await this.loadFirstPage()
      } catch (err) {
        this.setData({ loaded: true, loadError: err.message })
      }
    },

    retry() {
      return this.data.buildingId ? retry.call(this) : this.start()
    },

    onPickBuilding(e) {
      this.setData({ buildingId: Number(e.currentTarget.dataset.id), items: [], nextCursor: null })
      return this.loadFirstPage()
    },

    onPickHousehold(e) {
      const id = Number(e.currentTarget.dataset.id)
      const item = this.data.items.find(h => h.id === id)
      if (item) this.triggerEvent('pick', item)
    },

    onPickHelped(e) {
      const item = this.data.helped.find(h => h.id === Number(e.currentTarget.dataset.id))
      if (item) this.triggerEvent('pick', item)
    },

    onCancel() {
      this.triggerEvent('cancel')
    },
  },
})
