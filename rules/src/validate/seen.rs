//! The values seen so far in one input, for the check for repeats: an open-addressing table
//! of one `u64` word per slot (8 MB for 300,000 keys where a general hash map of borrowed
//! keys takes 40), so that a lookup usually costs one cache miss, and [`Seen::touch`] lets a
//! caller take the misses of many lookups at once. Each word holds the high half of the key's
//! hash and the position of its entry; the entries, in insertion order, keep the keys for an
//! exact comparison when the halves match.

use std::borrow::Cow;

/// One value seen: its field, its comparison key and the first record that had it.
struct Entry<'a> {
    field: &'static str,
    key: Cow<'a, str>,
    first: usize,
}

/// The values seen, by field and comparison key.
pub struct Seen<'a> {
    /// `hash >> 32 << 32 | (entry + 1)`, or 0 for an empty slot.
    slots: Vec<u64>,
    entries: Vec<Entry<'a>>,
}

impl<'a> Seen<'a> {
    /// A table sized for `keys` values without growing.
    pub fn with_capacity(keys: usize) -> Self {
        Seen { slots: vec![0; slots_for(keys)], entries: Vec::with_capacity(keys) }
    }

    /// The first record that had `key` in `field`; if none, `index` is now that record.
    /// `hash` is the key's [`hash`]; `field` names the field by its address: each comes from
    /// one literal in `records`.
    pub fn first_or_insert(&mut self, hash: u64, field: &'static str, key: Cow<'a, str>, index: usize) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            let word = self.slots[at];
            if word == 0 {
                break;
            }
            if word >> 32 == hash >> 32 {
                let entry = &self.entries[(word as u32 - 1) as usize];
                if std::ptr::eq(entry.field, field) && entry.key == key {
                    return Some(entry.first);
                }
            }
            at = (at + 1) & mask;
        }
        self.entries.push(Entry { field, key, first: index });
        self.slots[at] = hash >> 32 << 32 | self.entries.len() as u64;
        if self.entries.len() * 4 > self.slots.len() * 3 {
            self.grow();
        }
        None
    }

    /// Loads the slots where keys of these hashes would be found, one after the other, so
    /// that the lookups soon after find them in the cache: the loads of many keys miss the
    /// cache at once instead of one after another. Only a hint: it changes nothing.
    pub fn touch(&self, hashes: impl Iterator<Item = u64>) {
        let mask = self.slots.len() - 1;
        for hash in hashes {
            std::hint::black_box(self.slots.get(hash as usize & mask).copied());
        }
    }

    /// Twice the slots, every entry placed again.
    fn grow(&mut self) {
        self.slots = vec![0; self.slots.len() * 2];
        let mask = self.slots.len() - 1;
        for (i, entry) in self.entries.iter().enumerate() {
            let hash = hash(entry.field, &entry.key);
            let mut at = hash as usize & mask;
            while self.slots[at] != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = hash >> 32 << 32 | (i as u64 + 1);
        }
    }
}

/// At most three quarters of the slots in use, a power of two: a smaller table misses the
/// cache less, and linear probing stays short at that load.
fn slots_for(keys: usize) -> usize {
    keys.saturating_add(keys / 3).max(16).next_power_of_two()
}

/// The Fx hash (rustc's) of the field's address and the key, with a final mix (murmur3's)
/// so that both halves depend on every byte. Several times faster than SipHash for these
/// short keys; not DoS-resistant, which does not matter for the caller's own input.
pub fn hash(field: &'static str, key: &str) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut h = (field.as_ptr() as u64 ^ key.len() as u64).wrapping_mul(K);
    let mut words = key.as_bytes().chunks_exact(8);
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(seen: &mut Seen<'a>, field: &'static str, key: Cow<'a, str>, index: usize) -> Option<usize> {
        seen.first_or_insert(hash(field, &key), field, key, index)
    }

    #[test]
    fn finds_the_first_record_of_each_key_per_field_through_growth() {
        let mut seen = Seen::with_capacity(1);
        let (a, b) = ("id_num", "email");
        for i in 0..10_000 {
            assert_eq!(find(&mut seen, a, Cow::Owned(format!("k{i}")), i), None);
        }
        for i in 0..10_000 {
            assert_eq!(find(&mut seen, a, Cow::Owned(format!("k{i}")), 20_000 + i), Some(i), "key k{i}");
            assert_eq!(find(&mut seen, b, Cow::Owned(format!("k{i}")), 30_000 + i), None, "another field");
        }
        assert_eq!(find(&mut seen, b, Cow::Borrowed("k7"), 1), Some(30_007));
        assert_eq!(find(&mut seen, a, Cow::Borrowed(""), 2), None);
        assert_eq!(find(&mut seen, a, Cow::Borrowed(""), 3), Some(2));
    }
}
