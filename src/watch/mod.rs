//! Watching over time: change history, scheduled re-checks, and the Seller Support case helper.
