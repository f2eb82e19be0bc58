// The words the desk puts on a matter's codes (src/labels.js): what the mini-program says
// (miniprogram/utils/matters.js), and matters WeChat's content check holds back marked.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { eventText, statusText } from '../src/labels.js'

test('the timeline names a report held back by the content check as the mini-program does', () => {
  assert.equal(eventText({ action: 'hold_back', actor_name: null, data: { text_check: 'risky' } }), '内容未通过审核，已退回')
  assert.equal(eventText({ action: 'withdraw' }), '撤回诉求')
})

test('the status is marked while the content check holds the matter back, and plain otherwise', () => {
  assert.equal(statusText({ status_label: '待分类', text_check: 'checking', text_check_label: '内容审核中' }),
    '待分类（内容审核中）')
  assert.equal(statusText({ status_label: '已撤回', text_check: 'risky', text_check_label: '未通过内容审核' }),
    '已撤回（未通过内容审核）')
  assert.equal(statusText({ status_label: '已分类', text_check: 'passed', text_check_label: null }), '已分类')
})
