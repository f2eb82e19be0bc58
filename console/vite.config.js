// Built into dist/ and served by Flask at /console/ (app/console.py). Element Plus components
// are imported where a page uses them (unplugin-vue-components), so each page's chunk carries
// only its own widgets and the first load stays small (scripts/first-load.mjs checks it).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

export default defineConfig({
  base: '/console/',
  plugins: [
    vue(),
    Components({ dts: false, resolvers: [ElementPlusResolver({ importStyle: 'css' })] }),
  ],
  build: { manifest: true, chunkSizeWarningLimit: 800 },
  server: {
    // `npm run dev` next to `make run`: the API stays on Flask, no CORS needed
    proxy: { '/api': 'http://127.0.0.1:5000' },
  },
})
