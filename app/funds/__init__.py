"""Community money: funds, their ledger and statements (models.py says what holds)."""
