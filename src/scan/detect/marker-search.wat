;; Multi-literal candidate search over raw bytes with 128-bit SIMD ("Teddy", from Hyperscan and the
;; Rust regex crate): each literal is represented by a 3-byte window and belongs to one of 8 buckets.
;; For every position the low and high nibble of each of the 3 bytes select, through a 16-entry table
;; per nibble and window byte, the set of buckets whose windows allow that byte there; a position whose
;; 3 sets intersect is a candidate. The caller (marker-search.ts) writes the tables, starting every
;; window at a rare "anchor" byte with exact first-byte tables, so the first test alone rejects almost
;; every 32 bytes of text; it also checks every candidate against the literals themselves: this only
;; finds where to look.
;;
;; Memory: bytes [0, 96) hold the six tables lo0 hi0 lo1 hi1 lo2 hi2; the caller owns the rest and
;; keeps 64 readable bytes after any range it searches (the loop reads up to 34 bytes past a position).
;; Build: npm run build:wasm (wat2wasm from the wabt package) regenerates marker-search-wasm.ts.
(module
  (import "env" "memory" (memory 1))

  ;; First candidate position in [p, end), or -1.
  (func (export "find") (param $p i32) (param $end i32) (result i32)
    (local $lo0 v128) (local $hi0 v128) (local $lo1 v128) (local $hi1 v128) (local $lo2 v128) (local $hi2 v128)
    (local $nib v128) (local $v v128) (local $a v128) (local $b v128) (local $bits i32)
    (local.set $lo0 (v128.load offset=0 (i32.const 0)))
    (local.set $hi0 (v128.load offset=16 (i32.const 0)))
    (local.set $lo1 (v128.load offset=32 (i32.const 0)))
    (local.set $hi1 (v128.load offset=48 (i32.const 0)))
    (local.set $lo2 (v128.load offset=64 (i32.const 0)))
    (local.set $hi2 (v128.load offset=80 (i32.const 0)))
    (local.set $nib (i8x16.splat (i32.const 15)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        ;; Two independent 16-byte blocks a round, tested together: first the windows' first byte
        ;; (chosen rare: most rounds end here), and only where it matches, the other two.
        (local.set $a
          (v128.and
            (i8x16.swizzle (local.get $lo0) (v128.and (local.tee $v (v128.load offset=0 (local.get $p))) (local.get $nib)))
            (i8x16.swizzle (local.get $hi0) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib)))))
        (local.set $b
          (v128.and
            (i8x16.swizzle (local.get $lo0) (v128.and (local.tee $v (v128.load offset=16 (local.get $p))) (local.get $nib)))
            (i8x16.swizzle (local.get $hi0) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib)))))
        (if (v128.any_true (v128.or (local.get $a) (local.get $b)))
          (then
            (local.set $a
              (v128.and
                (v128.and (local.get $a)
                  (v128.and
                    (i8x16.swizzle (local.get $lo1) (v128.and (local.tee $v (v128.load offset=1 (local.get $p))) (local.get $nib)))
                    (i8x16.swizzle (local.get $hi1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib)))))
                (v128.and
                  (i8x16.swizzle (local.get $lo2) (v128.and (local.tee $v (v128.load offset=2 (local.get $p))) (local.get $nib)))
                  (i8x16.swizzle (local.get $hi2) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib))))))
            (local.set $b
              (v128.and
                (v128.and (local.get $b)
                  (v128.and
                    (i8x16.swizzle (local.get $lo1) (v128.and (local.tee $v (v128.load offset=17 (local.get $p))) (local.get $nib)))
                    (i8x16.swizzle (local.get $hi1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib)))))
                (v128.and
                  (i8x16.swizzle (local.get $lo2) (v128.and (local.tee $v (v128.load offset=18 (local.get $p))) (local.get $nib)))
                  (i8x16.swizzle (local.get $hi2) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib))))))
            (if (v128.any_true (v128.or (local.get $a) (local.get $b)))
              (then
                (local.set $bits
                  (i32.or
                    (i8x16.bitmask (i8x16.ne (local.get $a) (v128.const i32x4 0 0 0 0)))
                    (i32.shl (i8x16.bitmask (i8x16.ne (local.get $b) (v128.const i32x4 0 0 0 0))) (i32.const 16))))
                (local.set $p (i32.add (local.get $p) (i32.ctz (local.get $bits))))
                (return (select (local.get $p) (i32.const -1) (i32.lt_u (local.get $p) (local.get $end))))))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $next)))
    (i32.const -1)))
