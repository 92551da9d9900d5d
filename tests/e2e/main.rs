//! End-to-end tests: the runbook binary on fixture sites.
