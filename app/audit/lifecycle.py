"""The audit log keeps its entries whole: the chain of hashes proves nothing was changed, so an
erased person's entries stay and name an anonymous user."""
from app import lifecycle

lifecycle.personal_data("audit_entries")
