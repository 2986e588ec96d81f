//! A small bounded cache of the most recent values by key: the case
//! versions a merge needs and the previews a save made. Newest first; the
//! oldest goes when it is full.

use std::collections::VecDeque;
use std::sync::Mutex;

/// The `keep` most recent values by key.
pub struct Recent<K, V> {
    items: Mutex<VecDeque<(K, V)>>,
    keep: usize,
}

impl<K: PartialEq, V: Clone> Recent<K, V> {
    /// Keeps at most `keep` values.
    pub fn new(keep: usize) -> Self {
        Self { items: Mutex::new(VecDeque::new()), keep }
    }

    /// The value for `key`, if it is kept.
    pub fn get(&self, key: &K) -> Option<V> {
        let items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        items.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    /// The value and key of the newest key that `matches`, if any.
    pub fn find_entry(&self, matches: impl Fn(&K) -> bool) -> Option<(V, K)>
    where
        K: Clone,
    {
        let items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        items.iter().find(|(k, _)| matches(k)).map(|(k, v)| (v.clone(), k.clone()))
    }

    /// Keeps `value` for `key`, unless a value is kept for it already.
    pub fn insert(&self, key: K, value: impl FnOnce() -> V) {
        let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        if items.iter().any(|(k, _)| *k == key) {
            return;
        }
        items.push_front((key, value()));
        items.truncate(self.keep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_and_never_replaces() {
        let recent = Recent::new(2);
        recent.insert(1, || "a");
        recent.insert(1, || "b");
        recent.insert(2, || "c");
        recent.insert(3, || "d");
        assert_eq!((recent.get(&1), recent.get(&2), recent.get(&3)), (None, Some("c"), Some("d")));
    }
}
