"""The permission of the instalment pages, as ``has_perm`` takes it. Instalments and receipts are posted to the
fund's ledger, so setting or recording them takes the ledger's permission to post (declared on
``ledger.Fund.Meta``), named here because the ledger sits above budgets."""

POST_INSTALMENTS = "ledger.post_ledger"
