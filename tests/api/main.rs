//! The read-only API end to end: a real Prometheus over backfilled data,
//! Kubernetes API JSON through kube-rs, the safety rules, golden answers.
