//! Diagnostic sentences: Reading a ledger (workbook, CSV or Parquet folder): cells, rows, sheets and the ledger as a whole.

says! {}
