;; The layout's 2-D epoch kernel (sgd-layout.ts's epoch2d), over one Worker's private memory or over
;; one shared memory that every compute Worker of a job reads (each writes only its own points).
;; It does the same float64 operations in the same order as the JavaScript kernel, and calls back into
;; JavaScript for the exact gradients below the table's first cell, so its output is bit-identical:
;; a job can switch between the two (a Worker without SIMD wasm) and its checkpoints stay exact.
;; A point's (x, y) is one f64x2, so each pair of coordinates moves in one instruction.
(module
  (import "env" "memory" (memory MEMORY_LIMITS))
  (import "env" "attract" (func $attract (param f64) (result f64)))
  (import "env" "repel" (func $repel (param f64) (result f64)))

  ;; Byte offsets of the arrays in memory, and the run's constants (setup).
  (global $attractAt (mut i32) (i32.const 0))
  (global $repelAt (mut i32) (i32.const 0))
  (global $size (mut i32) (i32.const 0))
  (global $exactBelow (mut f64) (f64.const 0))
  (global $ptrAt (mut i32) (i32.const 0))
  (global $tailAt (mut i32) (i32.const 0))
  (global $epsAt (mut i32) (i32.const 0))
  (global $prevAt (mut i32) (i32.const 0))
  (global $nextAt (mut i32) (i32.const 0))
  (global $n (mut i32) (i32.const 0))
  (global $nNeg (mut i32) (i32.const 0))

  (func (export "setup")
    (param $attractAt i32) (param $repelAt i32) (param $size i32) (param $exactBelow f64)
    (param $ptrAt i32) (param $tailAt i32) (param $epsAt i32) (param $prevAt i32) (param $nextAt i32)
    (param $n i32) (param $nNeg i32)
    (global.set $attractAt (local.get $attractAt))
    (global.set $repelAt (local.get $repelAt))
    (global.set $size (local.get $size))
    (global.set $exactBelow (local.get $exactBelow))
    (global.set $ptrAt (local.get $ptrAt))
    (global.set $tailAt (local.get $tailAt))
    (global.set $epsAt (local.get $epsAt))
    (global.set $prevAt (local.get $prevAt))
    (global.set $nextAt (local.get $nextAt))
    (global.set $n (local.get $n))
    (global.set $nNeg (local.get $nNeg)))

  ;; gradient-table.ts's lookup: linear interpolation in the table at byte offset $tab.
  (func $lookup (param $tab i32) (param $d2 f64) (result f64)
    (local $x f64) (local $i i32) (local $lo f64)
    (local.set $x (f64.mul (f64.div (local.get $d2) (f64.add (f64.const 1) (local.get $d2))) (f64.convert_i32_s (global.get $size))))
    (local.set $i (i32.trunc_sat_f64_s (local.get $x)))
    (if (i32.ge_s (local.get $i) (global.get $size))
      (then (return (f64.load (i32.add (local.get $tab) (i32.shl (global.get $size) (i32.const 3)))))))
    (local.set $lo (f64.load (i32.add (local.get $tab) (i32.shl (local.get $i) (i32.const 3)))))
    (f64.add (local.get $lo)
      (f64.mul (f64.sub (local.get $x) (f64.convert_i32_s (local.get $i)))
        (f64.sub (f64.load offset=8 (i32.add (local.get $tab) (i32.shl (local.get $i) (i32.const 3)))) (local.get $lo)))))

  ;; sgd-layout.ts's hash32 (lowbias32).
  (func $hash (param $x i32) (result i32)
    (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 16))))
    (local.set $x (i32.mul (local.get $x) (i32.const 0x7feb352d)))
    (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 15))))
    (local.set $x (i32.mul (local.get $x) (i32.const 0x846ca68b)))
    (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 16))))

  ;; Point $i of the epoch-start positions, as f64x2.
  (func $at (param $i i32) (result v128)
    (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (global.get $prevAt) (i32.shl (local.get $i) (i32.const 3))))))

  ;; clip4(coeff · v) · alpha, per coordinate.
  (func $step (param $coeff f64) (param $v v128) (param $alpha v128) (result v128)
    (f64x2.mul
      (f64x2.pmin (f64x2.pmax (f64x2.mul (f64x2.splat (local.get $coeff)) (local.get $v)) (f64x2.splat (f64.const -4))) (f64x2.splat (f64.const 4)))
      (local.get $alpha)))

  ;; The squared length of v: x·x + y·y, in that order.
  (func $len2 (param $v v128) (result f64)
    (local $sq v128)
    (local.set $sq (f64x2.mul (local.get $v) (local.get $v)))
    (f64.add (f64x2.extract_lane 0 (local.get $sq)) (f64x2.extract_lane 1 (local.get $sq))))

  ;; Points [start, end) for the epoch numbered $ep; $key is the epoch's hash key; writes next.
  (func (export "epoch2d") (param $start i32) (param $end i32) (param $ep f64) (param $key i32) (param $alpha f64)
    (local $j i32) (local $e i32) (local $eEnd i32) (local $k i32) (local $kk i32) (local $r i32) (local $q i32)
    (local $p v128) (local $cur v128) (local $pull v128) (local $kv v128) (local $v v128) (local $alphaV v128)
    (local $ep1 f64) (local $eps f64) (local $d2 f64) (local $coeff f64) (local $nf f64) (local $push f64)
    (local.set $ep1 (f64.add (local.get $ep) (f64.const 1)))
    (local.set $nf (f64.convert_i32_u (global.get $n)))
    (local.set $alphaV (f64x2.splat (local.get $alpha)))
    (local.set $push (f64.mul (f64.const 4) (local.get $alpha)))
    (local.set $j (local.get $start))
    (block $points
      (loop $point
        (br_if $points (i32.ge_s (local.get $j) (local.get $end)))
        (local.set $p (call $at (local.get $j)))
        (local.set $cur (local.get $p))
        (local.set $pull (v128.const f64x2 0 0))
        (local.set $e (i32.load (i32.add (global.get $ptrAt) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $eEnd (i32.load offset=4 (i32.add (global.get $ptrAt) (i32.shl (local.get $j) (i32.const 2)))))
        (block $edges
          (loop $edge
            (br_if $edges (i32.ge_s (local.get $e) (local.get $eEnd)))
            (local.set $eps (f64.promote_f32 (f32.load (i32.add (global.get $epsAt) (i32.shl (local.get $e) (i32.const 2))))))
            (if (f64.gt (f64.floor (f64.div (local.get $ep1) (local.get $eps))) (f64.floor (f64.div (local.get $ep) (local.get $eps))))
              (then
                (local.set $k (i32.load (i32.add (global.get $tailAt) (i32.shl (local.get $e) (i32.const 2)))))
                (local.set $kv (call $at (local.get $k)))
                ;; The pull j takes as the tail of the reverse edge, from the two epoch-start positions.
                (local.set $v (f64x2.sub (local.get $p) (local.get $kv)))
                (local.set $d2 (call $len2 (local.get $v)))
                (if (f64.gt (local.get $d2) (f64.const 0))
                  (then
                    (local.set $coeff
                      (if (result f64) (f64.lt (local.get $d2) (global.get $exactBelow))
                        (then (call $attract (local.get $d2)))
                        (else (call $lookup (global.get $attractAt) (local.get $d2)))))
                    (local.set $pull (f64x2.add (local.get $pull) (call $step (local.get $coeff) (local.get $v) (local.get $alphaV))))))
                ;; Its own pull as the head, from its running position.
                (local.set $v (f64x2.sub (local.get $cur) (local.get $kv)))
                (local.set $d2 (call $len2 (local.get $v)))
                (if (f64.gt (local.get $d2) (f64.const 0))
                  (then
                    (local.set $coeff
                      (if (result f64) (f64.lt (local.get $d2) (global.get $exactBelow))
                        (then (call $attract (local.get $d2)))
                        (else (call $lookup (global.get $attractAt) (local.get $d2)))))
                    (local.set $cur (f64x2.add (local.get $cur) (call $step (local.get $coeff) (local.get $v) (local.get $alphaV))))))
                ;; Negative samples: a hash of (seed, edge, epoch), as in the JavaScript kernel.
                (local.set $r (call $hash (i32.xor (local.get $key) (i32.mul (local.get $e) (i32.const 0x85ebca77)))))
                (local.set $q (i32.const 0))
                (block $negs
                  (loop $neg
                    (br_if $negs (i32.ge_s (local.get $q) (global.get $nNeg)))
                    (local.set $r (call $hash (i32.add (local.get $r) (i32.const 0x6d2b79f5))))
                    (local.set $kk (i32.trunc_sat_f64_u (f64.floor (f64.mul (f64.mul (f64.convert_i32_u (local.get $r)) (local.get $nf)) (f64.const 2.3283064365386963e-10)))))
                    (if (i32.ne (local.get $kk) (local.get $j))
                      (then
                        (local.set $v (f64x2.sub (local.get $cur) (call $at (local.get $kk))))
                        (local.set $d2 (call $len2 (local.get $v)))
                        (if (f64.gt (local.get $d2) (f64.const 0))
                          (then
                            (local.set $coeff
                              (if (result f64) (f64.lt (local.get $d2) (global.get $exactBelow))
                                (then (call $repel (local.get $d2)))
                                (else (call $lookup (global.get $repelAt) (local.get $d2)))))
                            (local.set $cur (f64x2.add (local.get $cur) (call $step (local.get $coeff) (local.get $v) (local.get $alphaV)))))
                          (else
                            ;; Coincident points: pushed by the clip value so they separate.
                            (local.set $cur (f64x2.add (local.get $cur) (f64x2.splat (local.get $push))))))))
                    (local.set $q (i32.add (local.get $q) (i32.const 1)))
                    (br $neg)))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $edge)))
        (v128.store64_lane 0
          (i32.add (global.get $nextAt) (i32.shl (local.get $j) (i32.const 3)))
          (f32x4.demote_f64x2_zero (f64x2.add (local.get $cur) (local.get $pull))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $point))))
)
