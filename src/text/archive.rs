//! Diagnostic sentences: The archive: close, verify, rerun, sign-off, restatements and pay-out files, and the carried state.

says! {}
