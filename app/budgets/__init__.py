"""Participatory budgets: rounds, proposals, the vote and its rule, funded projects (models.py)."""
