//! Checks the PRNG against an independent implementation of SplitMix64 seeding and
//! xoshiro256++ written from the published reference algorithms, so a dependency
//! upgrade that changed the sequence (and every golden trace) would be caught here first.
#![cfg(not(target_arch = "wasm32"))]

use syncscope::sim::rng::SimRng;

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

struct Reference([u64; 4]);

impl Reference {
    fn new(seed: u64) -> Self {
        let mut sm = seed;
        Reference([
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ])
    }

    fn next(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }
}

#[test]
fn sim_rng_is_splitmix_seeded_xoshiro256plusplus() {
    for seed in [0, 1, 42, u64::MAX] {
        let mut ours = SimRng::new(seed);
        let mut reference = Reference::new(seed);
        for _ in 0..64 {
            let expected = (reference.next() >> 11) as f64 / (1u64 << 53) as f64;
            assert_eq!(ours.unit().to_bits(), expected.to_bits(), "seed={seed}");
        }
    }
}
