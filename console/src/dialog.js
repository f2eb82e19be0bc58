// What every acting dialog does on submit (the council board's classify, votes, assign, merge):
// one request at a time; on success close and hand the answer (the matter) to the page with
// `done`; on failure stay open with what was typed (api.js has shown the server's message).
import { ref } from 'vue'

export function useDialogSubmit(visible, emit) {
  const busy = ref(false)
  async function submitWith(send) {
    if (busy.value) return
    busy.value = true
    try {
      const answer = await send()
      visible.value = false
      emit('done', answer)
    } finally {
      busy.value = false
    }
  }
  return { busy, submitWith }
}
