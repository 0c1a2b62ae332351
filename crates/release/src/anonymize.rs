//! k-anonymised microdata (work in progress).
