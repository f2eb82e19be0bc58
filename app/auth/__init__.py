"""Sign-in with WeChat, tokens, the current user and the one permission check."""
