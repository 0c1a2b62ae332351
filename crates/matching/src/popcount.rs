//! The Dice kernel's bit count, with the CPU's `popcnt` instruction chosen at run time so that
//! one binary runs on every x86-64 (and elsewhere, portably).
//!
//! **The one `unsafe` exception of the workspace.** Calling a `#[target_feature]` function
//! is `unsafe` because it would be undefined behaviour on a CPU without the feature. The only
//! call is guarded by `is_x86_feature_detected!("popcnt")` right before it, and the function
//! itself does nothing but safe arithmetic. The tests check that both paths agree.
#![allow(unsafe_code)]

/// Words in a 1024-bit filter.
pub const WORDS: usize = 16;

/// The number of bits set in both filters.
#[inline]
pub fn and_count(a: &[u64; WORDS], b: &[u64; WORDS]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU has just been checked to support `popcnt`.
            return unsafe { and_count_popcnt(a, b) };
        }
    }
    and_count_portable(a, b)
}

/// The bits set in a filter.
pub fn count(a: &[u64; WORDS]) -> u32 {
    and_count(a, a)
}

/// Which kernel [`and_count`] uses on this CPU (for benchmarks).
pub fn kernel() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("popcnt") {
            return "popcnt";
        }
    }
    "portable"
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn and_count_popcnt(a: &[u64; WORDS], b: &[u64; WORDS]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum()
}

fn and_count_portable(a: &[u64; WORDS], b: &[u64; WORDS]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn both_kernels_count_the_same(a in proptest::array::uniform16(any::<u64>()), b in proptest::array::uniform16(any::<u64>())) {
            let want: u32 = a.iter().zip(&b).map(|(x, y)| (x & y).count_ones()).sum();
            prop_assert_eq!(and_count(&a, &b), want);
            prop_assert_eq!(and_count_portable(&a, &b), want);
        }
    }

    #[test]
    fn counts() {
        assert_eq!(count(&[0; WORDS]), 0);
        assert_eq!(count(&[u64::MAX; WORDS]), 1024);
        assert!(["popcnt", "portable"].contains(&kernel()));
    }
}
