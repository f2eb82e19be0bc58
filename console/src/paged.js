// A cursor-paged list (the API's {items, next_cursor}) for a table with a 加载更多 button.
// fetchPage(cursor) calls api.get with the page's own literal path.
import { ref } from 'vue'

export function usePaged(fetchPage) {
  const items = ref([])
  const nextCursor = ref(null)
  const loading = ref(false)
  const loaded = ref(false)

  async function load(more = false) {
    loading.value = true
    try {
      const page = await fetchPage(more ? nextCursor.value : null)
      items.value = more ? items.value.concat(page.items) : page.items
      nextCursor.value = page.next_cursor
    } finally {
      loading.value = false
      loaded.value = true
    }
  }

  return { items, nextCursor, loading, loaded, reload: () => load(false), loadMore: () => load(true) }
}
