"""baoquocte: one package per site (rules -> text/page -> spider)."""
