import { createApp } from 'vue'
import 'element-plus/theme-chalk/base.css'
import './theme.css'
import App from './App.vue'
import { whenSignedOut } from './api'
import { router } from './router'

whenSignedOut(() => router.push({ name: 'sign-in', query: { next: router.currentRoute.value.fullPath } }))
createApp(App).use(router).mount('#app')
