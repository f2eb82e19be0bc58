// Words the budget pages share. The API labels statuses and rules (status_label, rule_label);
// these are what a desk choosing a rule needs to read (app/budgets/rules.py RULE_LABELS and
// RULE_SUMMARIES).
export const RULES = {
  greedy: { label: '按票数依次资助', summary: '按获得赞同的户数从多到少依次资助，放不进剩余预算的项目跳过，继续看后面的项目' },
  equal_shares: {
    label: '等额分配法',
    summary: '预算平均分给每个投票的户；每个项目由赞同它的户用各自的份额共同支付，份额不够支付的项目不予资助',
  },
}

// projects carried out after the vote: their progress, spending and sign-off
export const CARRIED_OUT = ['funded', 'completed', 'signed_off']
