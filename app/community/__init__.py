"""Places (community → grid → courtyard → building → household), memberships, roles, roster."""
