//! Differentially private aggregates and synthesis (work in progress).
