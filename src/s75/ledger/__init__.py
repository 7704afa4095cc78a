"""The pooled fund's double-entry ledger: accounts, periods, journal entries and running balances."""
