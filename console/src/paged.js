// A cursor-paged list (the API's {items, next_cursor}) for a table with a 加载更多 button.
// fetchPage(cursor) calls api.get with the page's own literal path. A list read again (another
// filter, 刷新) while an earlier read is under way shows only the later answer, whichever lands
// last: on a slow line the earlier one may.
import { ref } from 'vue'

export function usePaged(fetchPage) {
  const items = ref([])
  const nextCursor = ref(null)
  const loading = ref(false)
  const loaded = ref(false)
  let reads = 0 // which reading of the list is current: a reload starts another, 加载更多 continues one

  async function load(more = false) {
    const read = more ? reads : ++reads
    loading.value = true
    try {
      const page = await fetchPage(more ? nextCursor.value : null)
      if (read !== reads) return // superseded: its rows (or its refusal) are not the list's now
      items.value = more ? items.value.concat(page.items) : page.items
      nextCursor.value = page.next_cursor
    } catch (error) {
      if (read === reads) throw error
    } finally {
      if (read === reads) {
        loading.value = false
        loaded.value = true
      }
    }
  }

  return { items, nextCursor, loading, loaded, reload: () => load(false), loadMore: () => load(true) }
}
