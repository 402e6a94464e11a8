//! Diagnostic sentences: Reading and checking a policy, and its pay-out file definition.

says! {}
