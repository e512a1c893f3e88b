;; The engine's kernels in WebAssembly SIMD128 (issue 7). Assembled at build time by
;; scripts/build-wasm.mjs (npm package `wabt`) into two builds: this text as written, using
;; f32x4.relaxed_madd (fused multiply-add), and a baseline build where every
;; (f32x4.relaxed_madd a b c) is rewritten to (f32x4.add (f32x4.mul a b) c).
;;
;; Conventions
;; - Every pointer is a byte address in the imported memory; tensors are row-major f32. The
;;   memory is shared (threads feature): a second thread may run worker_loop on it (below).
;; - Bytes [0, 256) are this module's scratch (the first thread's 4×8 edge tile at 0; a second
;;   thread's edge tile and the control block are allocated by the backend).
;; - `acc` = 2: the result starts from the bias row ($bias, set_bias) instead of zero.
;; - Loads may read up to 28 bytes past the end of a tensor (a partial vector, the columns
;;   of a partial 8-wide panel): the allocator keeps a guard at the end of memory, and the
;;   lanes read past the end never reach a store ($store writes only the first n lanes).
;; - `acc` (i32 0/1) = add into the output instead of overwriting it.
;; - Subnormals: wasm keeps IEEE subnormal floats, and x86 computes on them ~100× slower. A
;;   gradient that vanishes back through time (a vanilla RNN's ‖∂L/∂h_t‖ reaches 1e-40 within
;;   40 steps) would spend most of a backward pass there: the time loops flush ∂L/∂h_t and the
;;   LSTM's ∂L/∂c to zero below 2⁻¹²⁶ (as FTZ hardware does), a change of < 1.2e-38 per value.
;; - V8 (Node 20) does not inline wasm calls, and a call per vector costs more than the
;;   arithmetic: hot loops store full vectors with v128.store and call $store only for the
;;   last partial one, and the cells run whole rows through $tanh_n (one call per row).

(module
  (import "env" "memory" (memory 1 65536 shared))
  (global $scrA (mut i32) (i32.const 0))
  (global $scrB (mut i32) (i32.const 0))
  ;; The bias row of products run with acc = 2 (set_bias): C = 1·biasᵀ + A·B.
  (global $bias (mut i32) (i32.const 0))
  ;; This instance's 4×8 edge tile (each thread has its own: set_edge).
  (global $edge (mut i32) (i32.const 0))
  ;; The control block shared with a second thread running worker_loop (0: one thread; set_threads).
  (global $ctl (mut i32) (i32.const 0))
  ;; Jobs to run on this thread alone after the worker kept one waiting (a loaded machine).
  (global $backoff (mut i32) (i32.const 0))

  ;; ======================================================================= helpers

  ;; Store the first n lanes of v at p (all four when n ≥ 4).
  (func $store (param $p i32) (param $v v128) (param $n i32)
    (if (i32.ge_u (local.get $n) (i32.const 4))
      (then (v128.store (local.get $p) (local.get $v)) (return)))
    (v128.store32_lane 0 (local.get $p) (local.get $v))
    (if (i32.ge_u (local.get $n) (i32.const 2))
      (then (v128.store32_lane offset=4 1 (local.get $p) (local.get $v))))
    (if (i32.ge_u (local.get $n) (i32.const 3))
      (then (v128.store32_lane offset=8 2 (local.get $p) (local.get $v)))))

  ;; All-ones in lanes < n, zero elsewhere.
  (func $mask (param $n i32) (result v128)
    (i32x4.gt_s (i32x4.splat (local.get $n)) (v128.const i32x4 0 1 2 3)))

  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  (func $hmax (param $v v128) (result f32)
    (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.max (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))


  ;; y[0..n) = a·tanh(s·x) + b, four lanes at a time (y may be x). With s = a = b = 0.5 this is
  ;; the logistic σ(x) = 0.5 + 0.5·tanh(x/2), so every gate of the cells goes through this one
  ;; loop: one division per four values, and no call inside the loop (V8 does not inline wasm
  ;; calls, and a call per vector cost more than the arithmetic).
  ;; tanh: a 13/6 rational approximation on [-7.905, 7.905] (Eigen's fast tanh, a few ulp),
  ;; no small-x special case (the rational is within an ulp of x there). Smooth, so
  ;; finite-difference gradient checks see no steps.
  (func $tanh_n (param $y i32) (param $x i32) (param $n i32) (param $s f32) (param $a f32) (param $b f32)
    (local $i i32) (local $sv v128) (local $av v128) (local $bv v128)
    (local $v v128) (local $x2 v128) (local $p v128) (local $q v128)
    (local $va v128) (local $x2a v128) (local $pa v128) (local $qa v128)
    (local $vb v128) (local $x2b v128) (local $pb v128) (local $qb v128)
    (local $vc v128) (local $x2c v128) (local $pc v128) (local $qc v128)
    (local $vd v128) (local $x2d v128) (local $pd v128) (local $qd v128)
    (local $k1 v128) (local $k2 v128) (local $k3 v128) (local $k4 v128) (local $k5 v128) (local $k6 v128) (local $k7 v128) (local $k8 v128) (local $k9 v128) (local $k10 v128) (local $k11 v128) (local $k12 v128) (local $k13 v128)
    (local.set $k1 (v128.const f32x4 7.90531110763549805 7.90531110763549805 7.90531110763549805 7.90531110763549805))
    (local.set $k2 (v128.const f32x4 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805))
    (local.set $k3 (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16))
    (local.set $k4 (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13))
    (local.set $k5 (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11))
    (local.set $k6 (v128.const f32x4 5.12229709037114e-08 5.12229709037114e-08 5.12229709037114e-08 5.12229709037114e-08))
    (local.set $k7 (v128.const f32x4 1.48572235717979e-05 1.48572235717979e-05 1.48572235717979e-05 1.48572235717979e-05))
    (local.set $k8 (v128.const f32x4 6.37261928875436e-04 6.37261928875436e-04 6.37261928875436e-04 6.37261928875436e-04))
    (local.set $k9 (v128.const f32x4 4.89352455891786e-03 4.89352455891786e-03 4.89352455891786e-03 4.89352455891786e-03))
    (local.set $k10 (v128.const f32x4 1.19825839466702e-06 1.19825839466702e-06 1.19825839466702e-06 1.19825839466702e-06))
    (local.set $k11 (v128.const f32x4 1.18534705686654e-04 1.18534705686654e-04 1.18534705686654e-04 1.18534705686654e-04))
    (local.set $k12 (v128.const f32x4 2.26843463243900e-03 2.26843463243900e-03 2.26843463243900e-03 2.26843463243900e-03))
    (local.set $k13 (v128.const f32x4 4.89352518554385e-03 4.89352518554385e-03 4.89352518554385e-03 4.89352518554385e-03))
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $av (f32x4.splat (local.get $a)))
    (local.set $bv (f32x4.splat (local.get $b)))
    ;; two vectors per iteration (two independent chains: the polynomial and the division are
    ;; latency-bound one vector at a time)
    (block $pdone (loop $pl
      (br_if $pdone (i32.gt_s (i32.add (local.get $i) (i32.const 16)) (local.get $n)))
      (local.set $va (f32x4.mul (v128.load (local.get $x)) (local.get $sv)))
      (local.set $vb (f32x4.mul (v128.load offset=16 (local.get $x)) (local.get $sv)))
      (local.set $vc (f32x4.mul (v128.load offset=32 (local.get $x)) (local.get $sv)))
      (local.set $vd (f32x4.mul (v128.load offset=48 (local.get $x)) (local.get $sv)))
      (local.set $va (f32x4.pmax (f32x4.pmin (local.get $va) (local.get $k1)) (local.get $k2)))
      (local.set $vb (f32x4.pmax (f32x4.pmin (local.get $vb) (local.get $k1)) (local.get $k2)))
      (local.set $vc (f32x4.pmax (f32x4.pmin (local.get $vc) (local.get $k1)) (local.get $k2)))
      (local.set $vd (f32x4.pmax (f32x4.pmin (local.get $vd) (local.get $k1)) (local.get $k2)))
      (local.set $x2a (f32x4.mul (local.get $va) (local.get $va)))
      (local.set $x2b (f32x4.mul (local.get $vb) (local.get $vb)))
      (local.set $x2c (f32x4.mul (local.get $vc) (local.get $vc)))
      (local.set $x2d (f32x4.mul (local.get $vd) (local.get $vd)))
      (local.set $pa (f32x4.relaxed_madd (local.get $k3) (local.get $x2a) (local.get $k4)))
      (local.set $pb (f32x4.relaxed_madd (local.get $k3) (local.get $x2b) (local.get $k4)))
      (local.set $pc (f32x4.relaxed_madd (local.get $k3) (local.get $x2c) (local.get $k4)))
      (local.set $pd (f32x4.relaxed_madd (local.get $k3) (local.get $x2d) (local.get $k4)))
      (local.set $qa (f32x4.relaxed_madd (local.get $k10) (local.get $x2a) (local.get $k11)))
      (local.set $qb (f32x4.relaxed_madd (local.get $k10) (local.get $x2b) (local.get $k11)))
      (local.set $qc (f32x4.relaxed_madd (local.get $k10) (local.get $x2c) (local.get $k11)))
      (local.set $qd (f32x4.relaxed_madd (local.get $k10) (local.get $x2d) (local.get $k11)))
      (local.set $pa (f32x4.relaxed_madd (local.get $pa) (local.get $x2a) (local.get $k5)))
      (local.set $pb (f32x4.relaxed_madd (local.get $pb) (local.get $x2b) (local.get $k5)))
      (local.set $pc (f32x4.relaxed_madd (local.get $pc) (local.get $x2c) (local.get $k5)))
      (local.set $pd (f32x4.relaxed_madd (local.get $pd) (local.get $x2d) (local.get $k5)))
      (local.set $qa (f32x4.relaxed_madd (local.get $qa) (local.get $x2a) (local.get $k12)))
      (local.set $qb (f32x4.relaxed_madd (local.get $qb) (local.get $x2b) (local.get $k12)))
      (local.set $qc (f32x4.relaxed_madd (local.get $qc) (local.get $x2c) (local.get $k12)))
      (local.set $qd (f32x4.relaxed_madd (local.get $qd) (local.get $x2d) (local.get $k12)))
      (local.set $pa (f32x4.relaxed_madd (local.get $pa) (local.get $x2a) (local.get $k6)))
      (local.set $pb (f32x4.relaxed_madd (local.get $pb) (local.get $x2b) (local.get $k6)))
      (local.set $pc (f32x4.relaxed_madd (local.get $pc) (local.get $x2c) (local.get $k6)))
      (local.set $pd (f32x4.relaxed_madd (local.get $pd) (local.get $x2d) (local.get $k6)))
      (local.set $qa (f32x4.relaxed_madd (local.get $qa) (local.get $x2a) (local.get $k13)))
      (local.set $qb (f32x4.relaxed_madd (local.get $qb) (local.get $x2b) (local.get $k13)))
      (local.set $qc (f32x4.relaxed_madd (local.get $qc) (local.get $x2c) (local.get $k13)))
      (local.set $qd (f32x4.relaxed_madd (local.get $qd) (local.get $x2d) (local.get $k13)))
      (local.set $pa (f32x4.relaxed_madd (local.get $pa) (local.get $x2a) (local.get $k7)))
      (local.set $pb (f32x4.relaxed_madd (local.get $pb) (local.get $x2b) (local.get $k7)))
      (local.set $pc (f32x4.relaxed_madd (local.get $pc) (local.get $x2c) (local.get $k7)))
      (local.set $pd (f32x4.relaxed_madd (local.get $pd) (local.get $x2d) (local.get $k7)))
      (local.set $pa (f32x4.relaxed_madd (local.get $pa) (local.get $x2a) (local.get $k8)))
      (local.set $pb (f32x4.relaxed_madd (local.get $pb) (local.get $x2b) (local.get $k8)))
      (local.set $pc (f32x4.relaxed_madd (local.get $pc) (local.get $x2c) (local.get $k8)))
      (local.set $pd (f32x4.relaxed_madd (local.get $pd) (local.get $x2d) (local.get $k8)))
      (local.set $pa (f32x4.relaxed_madd (local.get $pa) (local.get $x2a) (local.get $k9)))
      (local.set $pb (f32x4.relaxed_madd (local.get $pb) (local.get $x2b) (local.get $k9)))
      (local.set $pc (f32x4.relaxed_madd (local.get $pc) (local.get $x2c) (local.get $k9)))
      (local.set $pd (f32x4.relaxed_madd (local.get $pd) (local.get $x2d) (local.get $k9)))
      (local.set $pa (f32x4.mul (local.get $pa) (local.get $va)))
      (local.set $pb (f32x4.mul (local.get $pb) (local.get $vb)))
      (local.set $pc (f32x4.mul (local.get $pc) (local.get $vc)))
      (local.set $pd (f32x4.mul (local.get $pd) (local.get $vd)))
      (local.set $va (f32x4.div (local.get $pa) (local.get $qa)))
      (local.set $vb (f32x4.div (local.get $pb) (local.get $qb)))
      (local.set $vc (f32x4.div (local.get $pc) (local.get $qc)))
      (local.set $vd (f32x4.div (local.get $pd) (local.get $qd)))
      (local.set $va (f32x4.relaxed_madd (local.get $av) (local.get $va) (local.get $bv)))
      (local.set $vb (f32x4.relaxed_madd (local.get $av) (local.get $vb) (local.get $bv)))
      (local.set $vc (f32x4.relaxed_madd (local.get $av) (local.get $vc) (local.get $bv)))
      (local.set $vd (f32x4.relaxed_madd (local.get $av) (local.get $vd) (local.get $bv)))
      (v128.store (local.get $y) (local.get $va))
      (v128.store offset=16 (local.get $y) (local.get $vb))
      (v128.store offset=32 (local.get $y) (local.get $vc))
      (v128.store offset=48 (local.get $y) (local.get $vd))
      (local.set $x (i32.add (local.get $x) (i32.const 64)))
      (local.set $y (i32.add (local.get $y) (i32.const 64)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $pl)))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $v (f32x4.mul (v128.load (local.get $x)) (local.get $sv)))
      (local.set $v (f32x4.pmax
        (f32x4.pmin (local.get $v) (local.get $k1))
        (local.get $k2)))
      (local.set $x2 (f32x4.mul (local.get $v) (local.get $v)))
      (local.set $p (f32x4.relaxed_madd (local.get $k3) (local.get $x2)
        (local.get $k4)))
      (local.set $p (f32x4.relaxed_madd (local.get $p) (local.get $x2)
        (local.get $k5)))
      (local.set $p (f32x4.relaxed_madd (local.get $p) (local.get $x2)
        (local.get $k6)))
      (local.set $p (f32x4.relaxed_madd (local.get $p) (local.get $x2)
        (local.get $k7)))
      (local.set $p (f32x4.relaxed_madd (local.get $p) (local.get $x2)
        (local.get $k8)))
      (local.set $p (f32x4.relaxed_madd (local.get $p) (local.get $x2)
        (local.get $k9)))
      (local.set $p (f32x4.mul (local.get $p) (local.get $v)))
      (local.set $q (f32x4.relaxed_madd (local.get $k10) (local.get $x2)
        (local.get $k11)))
      (local.set $q (f32x4.relaxed_madd (local.get $q) (local.get $x2)
        (local.get $k12)))
      (local.set $q (f32x4.relaxed_madd (local.get $q) (local.get $x2)
        (local.get $k13)))
      (local.set $v (f32x4.div (local.get $p) (local.get $q)))
      (local.set $v (f32x4.relaxed_madd (local.get $av) (local.get $v) (local.get $bv)))
      (if (i32.ge_s (i32.sub (local.get $n) (local.get $i)) (i32.const 4))
        (then (v128.store (local.get $y) (local.get $v)))
        (else (call $store (local.get $y) (local.get $v) (i32.sub (local.get $n) (local.get $i)))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l))))

  ;; ======================================================================= matrix products

  ;; ---- packed products (round 3): B in 8-column panels (K×8 floats each, contiguous, zero
  ;; ---- past N), A in 4-row panels (kc×4 floats, the four rows interleaved). Packed operands
  ;; ---- are read sequentially, so no cache set is overloaded by a large row stride (a B row
  ;; ---- stride of 2 KiB mapped a whole 8-column panel of W_h onto two L1 sets).

  ;; Scratch for packing: set by the backend (set_scratch) before any product runs.
  ;; $scrA holds MC×KC floats; $scrB holds roundup8(N)/8 panels of KC·32 + 64 bytes for the
  ;; largest N used ($gemm_s spaces its panels 64 bytes more than they need, so that they do not
  ;; all start on the same cache sets).

  (func $zero (param $p i32) (param $n i32)
    (block $done (loop $l
      (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
      (f32.store (local.get $p) (f32.const 0))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l))))

  (func (export "set_scratch") (param $a i32) (param $b i32)
    (global.set $scrA (local.get $a))
    (global.set $scrB (local.get $b)))

  (func (export "set_bias") (param $p i32)
    (global.set $bias (local.get $p)))

  ;; Pack B[K×N] (b(k,j) at pB + k·sk + j·sj) into panels: panel p at dst + p·pstride,
  ;; element (k, c) at + 32k + 4c, zero where 8p+c ≥ N.
  (func $pack_b (param $K i32) (param $N i32) (param $pB i32) (param $sk i32) (param $sj i32) (param $dst i32) (param $pstride i32)
    (local $j i32) (local $k i32) (local $c i32) (local $nr i32) (local $src i32) (local $d i32) (local $m0 v128) (local $m1 v128)
    (if (i32.or (i32.le_s (local.get $K) (i32.const 0)) (i32.le_s (local.get $N) (i32.const 0))) (then (return)))
    (if (i32.and (i32.eq (local.get $sj) (i32.const 4)) (i32.ge_s (local.get $N) (i32.const 8))) (then
      ;; row-major B: each row of the full panels read once, in order (a cold operand streams
      ;; sequentially), one 32-byte piece into each panel
      (local.set $nr (i32.and (local.get $N) (i32.const -8)))
      (local.set $k (i32.const 0))
      (loop $rowsf
        (local.set $src (i32.add (local.get $pB) (i32.mul (local.get $k) (local.get $sk))))
        (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 5))))
        (local.set $c (i32.const 0))
        (loop $pf
          (v128.store (local.get $d) (v128.load (local.get $src)))
          (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $src)))
          (local.set $src (i32.add (local.get $src) (i32.const 32)))
          (local.set $d (i32.add (local.get $d) (local.get $pstride)))
          (br_if $pf (i32.lt_s (local.tee $c (i32.add (local.get $c) (i32.const 8))) (local.get $nr))))
        (br_if $rowsf (i32.lt_s (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $K))))
      ;; the partial last panel, if any, below
      (if (i32.ge_s (local.get $nr) (local.get $N)) (then (return)))
      (local.set $j (local.get $nr))
      (local.set $dst (i32.add (local.get $dst) (i32.mul (i32.shr_u (local.get $nr) (i32.const 3)) (local.get $pstride))))))
    (loop $panels
      (local.set $nr (i32.sub (local.get $N) (local.get $j)))
      (if (i32.gt_s (local.get $nr) (i32.const 8)) (then (local.set $nr (i32.const 8))))
      (local.set $d (local.get $dst))
      (local.set $src (i32.add (local.get $pB) (i32.mul (local.get $j) (local.get $sj))))
      (local.set $k (local.get $K))
      (if (i32.eq (local.get $sj) (i32.const 4))
        (then
          (local.set $m0 (call $mask (local.get $nr)))
          (local.set $m1 (call $mask (i32.sub (local.get $nr) (i32.const 4))))
          (loop $rows
            (v128.store (local.get $d) (v128.and (v128.load (local.get $src)) (local.get $m0)))
            (v128.store offset=16 (local.get $d) (v128.and (v128.load offset=16 (local.get $src)) (local.get $m1)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (local.set $src (i32.add (local.get $src) (local.get $sk)))
            (br_if $rows (local.tee $k (i32.sub (local.get $k) (i32.const 1))))))
        (else
          ;; Bᵀ of a row-major matrix (sk = 4): a full panel's 8 source rows are contiguous in k,
          ;; so 4 k at a time are two 4×4 blocks transposed through registers
          (if (i32.and (i32.eq (local.get $sk) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 8))) (then
            (local.set $k (i32.const 0))
            (block $tdone (loop $tk
              (br_if $tdone (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $K)))
              (call $transpose4x4 (i32.add (local.get $src) (i32.shl (local.get $k) (i32.const 2))) (local.get $sj)
                (i32.add (local.get $d) (i32.shl (local.get $k) (i32.const 5))))
              (call $transpose4x4 (i32.add (i32.add (local.get $src) (i32.shl (local.get $sj) (i32.const 2))) (i32.shl (local.get $k) (i32.const 2))) (local.get $sj)
                (i32.add (local.get $d) (i32.add (i32.shl (local.get $k) (i32.const 5)) (i32.const 16))))
              (local.set $k (i32.add (local.get $k) (i32.const 4)))
              (br $tk)))
            ;; the last K mod 4 rows of the panel, one float at a time
            (block $rdone (loop $rk
              (br_if $rdone (i32.ge_s (local.get $k) (local.get $K)))
              (local.set $c (i32.const 0))
              (loop $rc
                (f32.store (i32.add (local.get $d) (i32.add (i32.shl (local.get $k) (i32.const 5)) (i32.shl (local.get $c) (i32.const 2))))
                  (f32.load (i32.add (local.get $src) (i32.add (i32.mul (local.get $c) (local.get $sj)) (i32.shl (local.get $k) (i32.const 2))))))
                (br_if $rc (i32.lt_s (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 8))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $rk)))
            (local.set $dst (i32.add (local.get $dst) (local.get $pstride)))
            (br_if $panels (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $N)))
            (return)))
          ;; general strides: column by column, each column a contiguous run when sk = 4
          (local.set $c (i32.const 0))
          (loop $cols
            (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $k (local.get $K))
            (if (i32.lt_s (local.get $c) (local.get $nr))
              (then
                (local.set $src (i32.add (local.get $pB) (i32.mul (i32.add (local.get $j) (local.get $c)) (local.get $sj))))
                (loop $ks
                  (f32.store (local.get $d) (f32.load (local.get $src)))
                  (local.set $d (i32.add (local.get $d) (i32.const 32)))
                  (local.set $src (i32.add (local.get $src) (local.get $sk)))
                  (br_if $ks (local.tee $k (i32.sub (local.get $k) (i32.const 1))))))
              (else
                (loop $zs
                  (f32.store (local.get $d) (f32.const 0))
                  (local.set $d (i32.add (local.get $d) (i32.const 32)))
                  (br_if $zs (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))))
            (br_if $cols (i32.lt_s (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 8))))))
      (local.set $dst (i32.add (local.get $dst) (local.get $pstride)))
      (br_if $panels (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $N)))))

  ;; The 4×4 block at src (rows `stride` bytes apart) transposed into 4 vectors 32 bytes apart at
  ;; dst (a panel's rows k..k+3, four of its columns).
  (func $transpose4x4 (param $src i32) (param $stride i32) (param $dst i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $x0 (v128.load (local.get $src)))
    (local.set $x1 (v128.load (i32.add (local.get $src) (local.get $stride))))
    (local.set $x2 (v128.load (i32.add (local.get $src) (i32.shl (local.get $stride) (i32.const 1)))))
    (local.set $x3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 3)))))
    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
    (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
    (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
    (v128.store offset=0 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
    (v128.store offset=32 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
    (v128.store offset=64 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
    (v128.store offset=96 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3))))

  (func (export "pack_b") (param $K i32) (param $N i32) (param $pB i32) (param $sk i32) (param $sj i32) (param $dst i32)
    (call $pack_b (local.get $K) (local.get $N) (local.get $pB) (local.get $sk) (local.get $sj) (local.get $dst)
      (i32.shl (local.get $K) (i32.const 5))))

  ;; Pack rows [0, mr) of A (a(r,k) at pA + r·ai + k·ak, k < kc) as one 4-row panel at dst:
  ;; (k, r) at dst + 16k + 4r. Rows ≥ mr repeat row mr-1 (their results are discarded).
  (func $pack_a4 (param $pA i32) (param $ai i32) (param $ak i32) (param $kc i32) (param $mr i32) (param $dst i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $k i32) (local $o i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (if (i32.and (i32.eq (local.get $ai) (i32.const 4)) (i32.ge_s (local.get $mr) (i32.const 4)))
      (then
        ;; Aᵀ operand: the four rows of each k are contiguous
        (local.set $k (local.get $kc))
        (loop $ks
          (v128.store (local.get $dst) (v128.load (local.get $pA)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
          (local.set $pA (i32.add (local.get $pA) (local.get $ak)))
          (br_if $ks (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
        (return)))
    (local.set $a0 (local.get $pA))
    (local.set $a1 (select (i32.add (local.get $a0) (local.get $ai)) (local.get $a0) (i32.gt_s (local.get $mr) (i32.const 1))))
    (local.set $a2 (select (i32.add (local.get $a1) (local.get $ai)) (local.get $a1) (i32.gt_s (local.get $mr) (i32.const 2))))
    (local.set $a3 (select (i32.add (local.get $a2) (local.get $ai)) (local.get $a2) (i32.gt_s (local.get $mr) (i32.const 3))))
    (if (i32.eq (local.get $ak) (i32.const 4)) (then
      ;; row-major A: 4×4 blocks transposed through registers
      (block $done (loop $blocks
        (br_if $done (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $kc)))
        (local.set $o (i32.shl (local.get $k) (i32.const 2)))
        (local.set $x0 (v128.load (i32.add (local.get $a0) (local.get $o))))
        (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $o))))
        (local.set $x2 (v128.load (i32.add (local.get $a2) (local.get $o))))
        (local.set $x3 (v128.load (i32.add (local.get $a3) (local.get $o))))
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
        (v128.store offset=0 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
        (v128.store offset=16 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
        (v128.store offset=32 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
        (v128.store offset=48 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $blocks)))))
    ;; the rest (and every k for other strides), one k at a time
    (block $done (loop $ks
      (br_if $done (i32.ge_s (local.get $k) (local.get $kc)))
      (local.set $o (i32.mul (local.get $k) (local.get $ak)))
      (f32.store offset=0 (local.get $dst) (f32.load (i32.add (local.get $a0) (local.get $o))))
      (f32.store offset=4 (local.get $dst) (f32.load (i32.add (local.get $a1) (local.get $o))))
      (f32.store offset=8 (local.get $dst) (f32.load (i32.add (local.get $a2) (local.get $o))))
      (f32.store offset=12 (local.get $dst) (f32.load (i32.add (local.get $a3) (local.get $o))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $ks))))

  ;; The packed micro-kernel: a 4×8 tile of C (+)= Σ_k a(·,k)·b(k,·), A panel at pa (16 bytes
  ;; per k), B panel at pb (32 bytes per k). acc = 2: the tile starts from the 8 bias values at
  ;; pbias in every row instead of from zero (the bias add of a layer, for free).
  (func $k4x8p (param $pa i32) (param $pb i32) (param $K i32) (param $pc i32) (param $ldc i32) (param $acc i32) (param $pbias i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $a v128) (local $b0 v128) (local $b1 v128) (local $p i32)
    (if (i32.eq (local.get $acc) (i32.const 2)) (then
      (local.set $c00 (v128.load (local.get $pbias)))
      (local.set $c01 (v128.load offset=16 (local.get $pbias)))
      (local.set $c10 (local.get $c00)) (local.set $c11 (local.get $c01))
      (local.set $c20 (local.get $c00)) (local.set $c21 (local.get $c01))
      (local.set $c30 (local.get $c00)) (local.set $c31 (local.get $c01))
      (local.set $acc (i32.const 0))))
    (if (local.get $acc) (then
      (local.set $p (local.get $pc))
      (local.set $c00 (v128.load (local.get $p)))
      (local.set $c01 (v128.load offset=16 (local.get $p)))
      (local.set $p (i32.add (local.get $p) (local.get $ldc)))
      (local.set $c10 (v128.load (local.get $p)))
      (local.set $c11 (v128.load offset=16 (local.get $p)))
      (local.set $p (i32.add (local.get $p) (local.get $ldc)))
      (local.set $c20 (v128.load (local.get $p)))
      (local.set $c21 (v128.load offset=16 (local.get $p)))
      (local.set $p (i32.add (local.get $p) (local.get $ldc)))
      (local.set $c30 (v128.load (local.get $p)))
      (local.set $c31 (v128.load offset=16 (local.get $p)))))
    (if (i32.gt_s (local.get $K) (i32.const 0)) (then
      (loop $k
        (local.set $b0 (v128.load (local.get $pb)))
        (local.set $b1 (v128.load offset=16 (local.get $pb)))
        (local.set $a (v128.load32_splat offset=0 (local.get $pa)))
        (local.set $c00 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
        (local.set $c01 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
        (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
        (local.set $c10 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
        (local.set $c11 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
        (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
        (local.set $c20 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
        (local.set $c21 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
        (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
        (local.set $c30 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
        (local.set $c31 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
        (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
        (br_if $k (local.tee $K (i32.sub (local.get $K) (i32.const 1)))))))
    (local.set $p (local.get $pc))
    (v128.store (local.get $p) (local.get $c00))
    (v128.store offset=16 (local.get $p) (local.get $c01))
    (local.set $p (i32.add (local.get $p) (local.get $ldc)))
    (v128.store (local.get $p) (local.get $c10))
    (v128.store offset=16 (local.get $p) (local.get $c11))
    (local.set $p (i32.add (local.get $p) (local.get $ldc)))
    (v128.store (local.get $p) (local.get $c20))
    (v128.store offset=16 (local.get $p) (local.get $c21))
    (local.set $p (i32.add (local.get $p) (local.get $ldc)))
    (v128.store (local.get $p) (local.get $c30))
    (v128.store offset=16 (local.get $p) (local.get $c31)))

  ;; A partial packed tile: through the scratch tile at address 0, as $edge.
  (func $edgep (param $pa i32) (param $pb i32) (param $K i32) (param $pc i32) (param $ldc i32)
               (param $mr i32) (param $nr i32) (param $acc i32) (param $pbias i32)
    (local $r i32) (local $c i32)
    (v128.store offset=0 (global.get $edge) (v128.const i64x2 0 0))
    (v128.store offset=16 (global.get $edge) (v128.const i64x2 0 0))
    (v128.store offset=32 (global.get $edge) (v128.const i64x2 0 0))
    (v128.store offset=48 (global.get $edge) (v128.const i64x2 0 0))
    (v128.store offset=64 (global.get $edge) (v128.const i64x2 0 0))
    (v128.store offset=80 (global.get $edge) (v128.const i64x2 0 0))
    (v128.store offset=96 (global.get $edge) (v128.const i64x2 0 0))
    (v128.store offset=112 (global.get $edge) (v128.const i64x2 0 0))
    (if (local.get $acc) (then
      (local.set $r (i32.const 0))
      (loop $rows
        (local.set $c (i32.const 0))
        (loop $cols
          (f32.store (i32.add (global.get $edge) (i32.add (i32.shl (local.get $r) (i32.const 5)) (i32.shl (local.get $c) (i32.const 2))))
            (if (result f32) (i32.eq (local.get $acc) (i32.const 2))
              (then (f32.load (i32.add (local.get $pbias) (i32.shl (local.get $c) (i32.const 2)))))
              (else (f32.load (i32.add (local.get $pc) (i32.add (i32.mul (local.get $r) (local.get $ldc)) (i32.shl (local.get $c) (i32.const 2))))))))
          (br_if $cols (i32.lt_s (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $nr))))
        (br_if $rows (i32.lt_s (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $mr))))))
    (call $k4x8p (local.get $pa) (local.get $pb) (local.get $K) (global.get $edge) (i32.const 32) (i32.const 1) (i32.const 0))
    (local.set $r (i32.const 0))
    (loop $rows
      (local.set $c (i32.const 0))
      (loop $cols
        (f32.store (i32.add (local.get $pc) (i32.add (i32.mul (local.get $r) (local.get $ldc)) (i32.shl (local.get $c) (i32.const 2))))
          (f32.load (i32.add (global.get $edge) (i32.add (i32.shl (local.get $r) (i32.const 5)) (i32.shl (local.get $c) (i32.const 2))))))
        (br_if $cols (i32.lt_s (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $nr))))
      (br_if $rows (i32.lt_s (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $mr)))))

  ;; Panels [p0, p1) of one packed block: tiles of C at pC (row stride ldc bytes) from the block's
  ;; 4-row A panels at pa0 (tstride bytes apart, mc rows in all) and the B panels at pBp
  ;; (pstride bytes apart); pbias0: the bias row for acc = 2.
  (func $panels (param $p0 i32) (param $p1 i32) (param $mc i32) (param $N i32) (param $kc i32) (param $pa0 i32) (param $tstride i32)
                (param $pBp i32) (param $pstride i32) (param $pC i32) (param $ldc i32) (param $acc i32) (param $pbias0 i32)
    (local $p i32) (local $j i32) (local $t i32) (local $mr i32) (local $nr i32) (local $pb i32) (local $pc i32) (local $pa i32) (local $pbias i32)
    (local.set $p (local.get $p0))
    (block $done (loop $panel
      (br_if $done (i32.ge_s (local.get $p) (local.get $p1)))
      (local.set $j (i32.shl (local.get $p) (i32.const 3)))
      (local.set $nr (i32.sub (local.get $N) (local.get $j)))
      (if (i32.gt_s (local.get $nr) (i32.const 8)) (then (local.set $nr (i32.const 8))))
      (local.set $pb (i32.add (local.get $pBp) (i32.mul (local.get $p) (local.get $pstride))))
      (local.set $pbias (i32.add (local.get $pbias0) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $t (i32.const 0))
      (local.set $pa (local.get $pa0))
      (loop $tiles
        (local.set $mr (i32.sub (local.get $mc) (local.get $t)))
        (local.set $pc (i32.add (local.get $pC)
          (i32.add (i32.mul (local.get $t) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2)))))
        (if (i32.and (i32.ge_s (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 8)))
          (then (call $k4x8p (local.get $pa) (local.get $pb) (local.get $kc) (local.get $pc) (local.get $ldc) (local.get $acc) (local.get $pbias)))
          (else
            (if (i32.gt_s (local.get $mr) (i32.const 4)) (then (local.set $mr (i32.const 4))))
            (call $edgep (local.get $pa) (local.get $pb) (local.get $kc) (local.get $pc) (local.get $ldc)
              (local.get $mr) (local.get $nr) (local.get $acc) (local.get $pbias))))
        (local.set $pa (i32.add (local.get $pa) (local.get $tstride)))
        (br_if $tiles (i32.lt_s (local.tee $t (i32.add (local.get $t) (i32.const 4))) (local.get $mc))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $panel))))

  ;; ---- the second thread (CLI runs: Backend option threads = 2). A block's panels are a job
  ;; ---- both threads take from: this thread posts the job, then both claim panels (two at a
  ;; ---- time) until none is left, and this thread waits until every claimed panel is done. A
  ;; ---- worker that is late or descheduled simply gets fewer panels (this thread never waits
  ;; ---- for one that has not started), and each element of C is computed by one thread in the
  ;; ---- same order, so results are bit for bit those of one thread.
  ;; Control block (64-byte lines, so that the threads' flags do not share a line):
  ;;   +0 seq (this thread: one more per job)   +64 claims (i64: seq, front, back; $claim_panels)
  ;;   +128 panels finished   +192 sleeping   +196 ready   +200, +208 panels the worker, this thread ran (statistics)
  ;;   +256.. the job: mc N kc pa0 tstride pBp pstride pC ldc acc pbias0 P   +304 quit

  (func (export "set_threads") (param $ctl i32)
    (global.set $ctl (local.get $ctl)))

  (func (export "set_edge") (param $p i32)
    (global.set $edge (local.get $p)))

;; Claim panels of job `seq` (P panels) and run them with the job's operands at ctl + 256,
  ;; until none is left. The claims word (i64 at ctl + 64) is tag·2³² + front·2¹⁶ + back: the
  ;; posting thread takes panels from the front, the worker from the back, each time half of
  ;; what is left (at least one), so in the common case each thread runs one contiguous run of
  ;; panels with a handful of compare-and-swaps, and a late worker simply finds less to take.
  (func $claim_panels (param $c i32) (param $seq i32) (param $worker i32)
    (local $w i64) (local $f i32) (local $b i32) (local $n i32) (local $p0 i32) (local $p1 i32) (local $nw i64)
    (loop $claim
      (local.set $w (i64.atomic.load offset=64 (local.get $c)))
      (if (i32.ne (i32.wrap_i64 (i64.shr_u (local.get $w) (i64.const 32))) (local.get $seq)) (then (return)))
      (local.set $f (i32.and (i32.wrap_i64 (i64.shr_u (local.get $w) (i64.const 16))) (i32.const 65535)))
      (local.set $b (i32.and (i32.wrap_i64 (local.get $w)) (i32.const 65535)))
      (if (i32.ge_s (local.get $f) (local.get $b)) (then (return)))
      (local.set $n (i32.shr_u (i32.sub (local.get $b) (local.get $f)) (i32.const 1)))
      (if (i32.eqz (local.get $n)) (then (local.set $n (i32.const 1))))
      (if (local.get $worker)
        (then
          (local.set $p1 (local.get $b))
          (local.set $p0 (i32.sub (local.get $b) (local.get $n)))
          (local.set $nw (i64.or (i64.and (local.get $w) (i64.const -65536)) (i64.extend_i32_u (local.get $p0)))))
        (else
          (local.set $p0 (local.get $f))
          (local.set $p1 (i32.add (local.get $f) (local.get $n)))
          (local.set $nw (i64.or (i64.and (local.get $w) (i64.const -4294901761)) (i64.shl (i64.extend_i32_u (local.get $p1)) (i64.const 16))))))
      (br_if $claim (i64.ne (i64.atomic.rmw.cmpxchg offset=64 (local.get $c) (local.get $w) (local.get $nw)) (local.get $w)))
      (call $panels (local.get $p0) (local.get $p1)
        (i32.load offset=256 (local.get $c)) (i32.load offset=260 (local.get $c)) (i32.load offset=264 (local.get $c))
        (i32.load offset=268 (local.get $c)) (i32.load offset=272 (local.get $c)) (i32.load offset=276 (local.get $c))
        (i32.load offset=280 (local.get $c)) (i32.load offset=284 (local.get $c)) (i32.load offset=288 (local.get $c))
        (i32.load offset=292 (local.get $c)) (i32.load offset=296 (local.get $c)))
      (if (local.get $worker)
        (then (i32.store offset=200 (local.get $c) (i32.add (i32.load offset=200 (local.get $c)) (local.get $n))))
        (else (i32.store offset=208 (local.get $c) (i32.add (i32.load offset=208 (local.get $c)) (local.get $n)))))
      ;; the job's last panel wakes the posting thread if it has gone to sleep waiting
      (if (i32.eq (i32.add (i32.atomic.rmw.add offset=128 (local.get $c) (local.get $n)) (local.get $n))
                  (i32.load offset=300 (local.get $c)))
        (then (drop (memory.atomic.notify offset=128 (local.get $c) (i32.const 1)))))
      (br $claim)))

  ;; Post a block's panels as a job, take panels until none is left, wait for the ones the worker
  ;; took. The operands go in plain stores, published by the atomic store of seq.
  (func $run_shared (param $mc i32) (param $N i32) (param $kc i32) (param $pa0 i32) (param $tstride i32) (param $pBp i32) (param $pstride i32)
                    (param $pC i32) (param $ldc i32) (param $acc i32) (param $pbias0 i32) (param $P i32)
    (local $c i32) (local $seq i32) (local $spins i32) (local $f i32)
    (local.set $c (global.get $ctl))
    (i32.store offset=256 (local.get $c) (local.get $mc))
    (i32.store offset=260 (local.get $c) (local.get $N))
    (i32.store offset=264 (local.get $c) (local.get $kc))
    (i32.store offset=268 (local.get $c) (local.get $pa0))
    (i32.store offset=272 (local.get $c) (local.get $tstride))
    (i32.store offset=276 (local.get $c) (local.get $pBp))
    (i32.store offset=280 (local.get $c) (local.get $pstride))
    (i32.store offset=284 (local.get $c) (local.get $pC))
    (i32.store offset=288 (local.get $c) (local.get $ldc))
    (i32.store offset=292 (local.get $c) (local.get $acc))
    (i32.store offset=296 (local.get $c) (local.get $pbias0))
    (i32.store offset=300 (local.get $c) (local.get $P))
    (local.set $seq (i32.add (i32.atomic.load (local.get $c)) (i32.const 1)))
    (i32.atomic.store offset=128 (local.get $c) (i32.const 0))
    (i64.atomic.store offset=64 (local.get $c) (i64.or (i64.shl (i64.extend_i32_u (local.get $seq)) (i64.const 32)) (i64.extend_i32_u (local.get $P))))
    (i32.atomic.store (local.get $c) (local.get $seq))
    (if (i32.atomic.load offset=192 (local.get $c)) (then
      (drop (memory.atomic.notify (local.get $c) (i32.const 1)))))
    (call $claim_panels (local.get $c) (local.get $seq) (i32.const 0))
    ;; The packed A block is reused for the next block only once every panel is done. A worker
    ;; still busy after ~10⁵ polls (far longer than a panel takes) was descheduled: the machine
    ;; is loaded, so sleep in short waits (the core may be the one it needs) and run the next
    ;; 2048 jobs alone before trying again.
    (local.set $spins (i32.const 0))
    (block $done (loop $wait
      (local.set $f (i32.atomic.load offset=128 (local.get $c)))
      (br_if $done (i32.eq (local.get $f) (local.get $P)))
      (local.set $spins (i32.add (local.get $spins) (i32.const 1)))
      (if (i32.gt_u (local.get $spins) (i32.const 100000)) (then
        (global.set $backoff (i32.const 2048))
        (drop (memory.atomic.wait32 offset=128 (local.get $c) (local.get $f) (i64.const 50000)))))
      (br $wait))))

  ;; The second thread's whole life: wait for a job (spinning ~10⁸ polls, a few tens of ms, then
  ;; sleeping in memory.atomic.wait32 on the value it just read, so a job posted in between is
  ;; not missed), claim panels of it, and return when quit is set.
  (func (export "worker_loop") (param $c i32)
    (local $last i32) (local $seq i32) (local $spins i32) (local $P i32)
    (i32.atomic.store offset=196 (local.get $c) (i32.const 1))
    (loop $forever
      (local.set $seq (i32.atomic.load (local.get $c)))
      (if (i32.eq (local.get $seq) (local.get $last)) (then
        (local.set $spins (i32.add (local.get $spins) (i32.const 1)))
        (br_if $forever (i32.lt_u (local.get $spins) (i32.const 134217728)))
        (i32.atomic.store offset=192 (local.get $c) (i32.const 1))
        (drop (memory.atomic.wait32 (local.get $c) (local.get $last) (i64.const -1)))
        (i32.atomic.store offset=192 (local.get $c) (i32.const 0))
        (local.set $spins (i32.const 0))
        (br $forever)))
      (local.set $last (local.get $seq))
      (local.set $spins (i32.const 0))
      (if (i32.atomic.load offset=304 (local.get $c)) (then
        (i32.atomic.store offset=196 (local.get $c) (i32.const 0))
        (return)))
      (call $claim_panels (local.get $c) (local.get $seq) (i32.const 1))
      (br $forever)))

  ;; Ask the worker to return from worker_loop (it may be sleeping).
  (func (export "stop_threads")
    (local $c i32)
    (local.set $c (global.get $ctl))
    (if (i32.eqz (local.get $c)) (then (return)))
    (i32.atomic.store offset=304 (local.get $c) (i32.const 1))
    (i32.atomic.store (local.get $c) (i32.add (i32.atomic.load (local.get $c)) (i32.const 1)))
    (drop (memory.atomic.notify (local.get $c) (i32.const 1)))
    (global.set $ctl (i32.const 0)))

  ;; One k-block (kc ≤ KC) of C[M×N] (+)= A·B with B already packed: panel p at pBp + p·pstride.
  ;; A (a(i,k) at pA + i·ai + k·ak) is packed MC = 32 rows at a time into $scrA; each B panel is
  ;; then reused from L1 by the 8 tiles of the block, and the packed block by every panel. With a
  ;; second thread (and ≥ 2¹⁷ multiply-adds in the block) the panels are split between the two.
  (func $gemm_block (param $M i32) (param $N i32) (param $kc i32) (param $pA i32) (param $ai i32) (param $ak i32)
                    (param $pBp i32) (param $pstride i32) (param $pC i32) (param $acc i32)
    (local $i0 i32) (local $mc i32) (local $t i32) (local $mr i32)
    (local $ldc i32) (local $tstride i32) (local $P i32) (local $pCb i32) (local $shared i32)
    (if (i32.or (i32.le_s (local.get $M) (i32.const 0)) (i32.le_s (local.get $N) (i32.const 0))) (then (return)))
    (local.set $ldc (i32.shl (local.get $N) (i32.const 2)))
    (local.set $tstride (i32.shl (local.get $kc) (i32.const 4)))
    (local.set $P (i32.shr_u (i32.add (local.get $N) (i32.const 7)) (i32.const 3)))
    (loop $blocks
      (local.set $mc (i32.sub (local.get $M) (local.get $i0)))
      (if (i32.gt_s (local.get $mc) (i32.const 32)) (then (local.set $mc (i32.const 32))))
      ;; pack the block's 4-row panels
      (local.set $t (i32.const 0))
      (loop $pack
        (local.set $mr (i32.sub (local.get $mc) (local.get $t)))
        (if (i32.gt_s (local.get $mr) (i32.const 4)) (then (local.set $mr (i32.const 4))))
        (call $pack_a4 (i32.add (local.get $pA) (i32.mul (i32.add (local.get $i0) (local.get $t)) (local.get $ai)))
          (local.get $ai) (local.get $ak) (local.get $kc) (local.get $mr)
          (i32.add (global.get $scrA) (i32.mul (i32.shr_u (local.get $t) (i32.const 2)) (local.get $tstride))))
        (br_if $pack (i32.lt_s (local.tee $t (i32.add (local.get $t) (i32.const 4))) (local.get $mc))))
      (local.set $pCb (i32.add (local.get $pC) (i32.mul (local.get $i0) (local.get $ldc))))
      (local.set $shared (i32.and
        (i32.and (i32.ne (global.get $ctl) (i32.const 0)) (i32.and (i32.ge_s (local.get $P) (i32.const 2)) (i32.lt_s (local.get $P) (i32.const 4000))))
        (i32.and (i32.ge_s (i32.mul (i32.mul (local.get $mc) (local.get $N)) (local.get $kc)) (i32.const 131072))
                 (i32.ne (i32.atomic.load offset=196 (global.get $ctl)) (i32.const 0)))))
      ;; (after a long wait for the worker, some jobs alone: $backoff)
      (if (i32.and (local.get $shared) (i32.ne (global.get $backoff) (i32.const 0))) (then
        (global.set $backoff (i32.sub (global.get $backoff) (i32.const 1)))
        (local.set $shared (i32.const 0))))
      (if (local.get $shared)
        (then
          (call $run_shared (local.get $mc) (local.get $N) (local.get $kc) (global.get $scrA) (local.get $tstride)
            (local.get $pBp) (local.get $pstride) (local.get $pCb) (local.get $ldc) (local.get $acc) (global.get $bias) (local.get $P)))
        (else
          (call $panels (i32.const 0) (local.get $P) (local.get $mc) (local.get $N) (local.get $kc) (global.get $scrA) (local.get $tstride)
            (local.get $pBp) (local.get $pstride) (local.get $pCb) (local.get $ldc) (local.get $acc) (global.get $bias))))
      (br_if $blocks (i32.lt_s (local.tee $i0 (i32.add (local.get $i0) (i32.const 32))) (local.get $M)))))

  ;; C[M×N] (+)= A·B with general strides: a(i,k) at pA + i·ai + k·ak, b(k,j) at pB + k·bk + j·bj.
  ;; K in blocks of KC = 256 (half the C traffic and per-tile overhead of 128 for the long-K
  ;; weight-gradient products); each block of B is packed into $scrB, then $gemm_block.
  (func $gemm_s (param $M i32) (param $N i32) (param $K i32) (param $pA i32) (param $ai i32) (param $ak i32)
                (param $pB i32) (param $bk i32) (param $bj i32) (param $pC i32) (param $acc i32)
    (local $k0 i32) (local $kc i32)
    (if (i32.le_s (local.get $K) (i32.const 0)) (then
      (if (i32.eqz (local.get $acc)) (then (call $zero (local.get $pC) (i32.mul (local.get $M) (local.get $N)))))
      (return)))
    (loop $kblocks
      (local.set $kc (i32.sub (local.get $K) (local.get $k0)))
      (if (i32.gt_s (local.get $kc) (i32.const 256)) (then (local.set $kc (i32.const 256))))
      (call $pack_b (local.get $kc) (local.get $N) (i32.add (local.get $pB) (i32.mul (local.get $k0) (local.get $bk)))
        (local.get $bk) (local.get $bj) (global.get $scrB) (i32.add (i32.shl (local.get $kc) (i32.const 5)) (i32.const 64)))
      (call $gemm_block (local.get $M) (local.get $N) (local.get $kc)
        (i32.add (local.get $pA) (i32.mul (local.get $k0) (local.get $ak))) (local.get $ai) (local.get $ak)
        (global.get $scrB) (i32.add (i32.shl (local.get $kc) (i32.const 5)) (i32.const 64))
        (local.get $pC) (select (i32.const 1) (local.get $acc) (i32.gt_s (local.get $k0) (i32.const 0))))
      (br_if $kblocks (i32.lt_s (local.tee $k0 (i32.add (local.get $k0) (i32.const 256))) (local.get $K)))))

  ;; C[M×N] (+)= A[M×K]·Bp with Bp packed by pack_b (K×N, panels K·32 bytes apart). K blocks of
  ;; 128 here (256 measured the same on the recurrent per-step shapes; the scratch fits either).
  (func $gemm_packed (export "gemm_packed") (param $M i32) (param $N i32) (param $K i32) (param $pA i32) (param $pBp i32) (param $pC i32) (param $acc i32)
    (local $k0 i32) (local $kc i32)
    (if (i32.le_s (local.get $K) (i32.const 0)) (then
      (if (i32.eqz (local.get $acc)) (then (call $zero (local.get $pC) (i32.mul (local.get $M) (local.get $N)))))
      (return)))
    (loop $kblocks
      (local.set $kc (i32.sub (local.get $K) (local.get $k0)))
      (if (i32.gt_s (local.get $kc) (i32.const 128)) (then (local.set $kc (i32.const 128))))
      (call $gemm_block (local.get $M) (local.get $N) (local.get $kc)
        (i32.add (local.get $pA) (i32.shl (local.get $k0) (i32.const 2))) (i32.shl (local.get $K) (i32.const 2)) (i32.const 4)
        (i32.add (local.get $pBp) (i32.shl (local.get $k0) (i32.const 5))) (i32.shl (local.get $K) (i32.const 5))
        (local.get $pC) (select (i32.const 1) (local.get $acc) (i32.gt_s (local.get $k0) (i32.const 0))))
      (br_if $kblocks (i32.lt_s (local.tee $k0 (i32.add (local.get $k0) (i32.const 128))) (local.get $K)))))

  ;; ---- one-row products (batch 1): the 4×8 tile would waste three of its four rows

  ;; c[0..N) (+)= a[0..K)·B[K×N] (B rows ldb bytes apart). The first N & ~31 columns stream B
  ;; row by row (four rows at a time) into running sums in $scrB (which holds at least N floats
  ;; whenever a product runs): a large row stride walked down a column strip defeats the
  ;; prefetcher, and batch-1 sampling is bound by reading W. Each column still sums its k terms
  ;; in order from zero (then + c), as a column strip in one accumulator would. The remaining
  ;; columns 4 at a time; the last partial vector is stored lane by lane.
  (func $gemv_n (param $N i32) (param $K i32) (param $pa i32) (param $pB i32) (param $ldb i32) (param $pc i32) (param $acc i32)
    (local $j i32) (local $k i32) (local $pb i32) (local $a v128) (local $s v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $o i32) (local $wb i32) (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $S i32)
    (local.set $j (i32.and (local.get $N) (i32.const -32)))
    (local.set $wb (i32.shl (local.get $j) (i32.const 2)))
    (local.set $S (global.get $scrB))
    (if (local.get $wb) (then
      (call $zero (local.get $S) (local.get $j))
      (block $kd (loop $k4
        (br_if $kd (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $K)))
        (local.set $c0 (v128.load32_splat (i32.add (local.get $pa) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $c1 (v128.load32_splat offset=4 (i32.add (local.get $pa) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $c2 (v128.load32_splat offset=8 (i32.add (local.get $pa) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $c3 (v128.load32_splat offset=12 (i32.add (local.get $pa) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $p0 (i32.add (local.get $pB) (i32.mul (local.get $k) (local.get $ldb))))
        (local.set $p1 (i32.add (local.get $p0) (local.get $ldb)))
        (local.set $p2 (i32.add (local.get $p1) (local.get $ldb)))
        (local.set $p3 (i32.add (local.get $p2) (local.get $ldb)))
        (local.set $o (i32.const 0))
        (loop $cols
          (local.set $s (v128.load (i32.add (local.get $S) (local.get $o))))
          (local.set $s (f32x4.relaxed_madd (local.get $c0) (v128.load (i32.add (local.get $p0) (local.get $o))) (local.get $s)))
          (local.set $s (f32x4.relaxed_madd (local.get $c1) (v128.load (i32.add (local.get $p1) (local.get $o))) (local.get $s)))
          (local.set $s (f32x4.relaxed_madd (local.get $c2) (v128.load (i32.add (local.get $p2) (local.get $o))) (local.get $s)))
          (local.set $s (f32x4.relaxed_madd (local.get $c3) (v128.load (i32.add (local.get $p3) (local.get $o))) (local.get $s)))
          (v128.store (i32.add (local.get $S) (local.get $o)) (local.get $s))
          (br_if $cols (i32.lt_s (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $wb))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $k4)))
      (block $kd (loop $k1
        (br_if $kd (i32.ge_s (local.get $k) (local.get $K)))
        (local.set $a (v128.load32_splat (i32.add (local.get $pa) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $p0 (i32.add (local.get $pB) (i32.mul (local.get $k) (local.get $ldb))))
        (local.set $o (i32.const 0))
        (loop $cols
          (v128.store (i32.add (local.get $S) (local.get $o))
            (f32x4.relaxed_madd (local.get $a) (v128.load (i32.add (local.get $p0) (local.get $o))) (v128.load (i32.add (local.get $S) (local.get $o)))))
          (br_if $cols (i32.lt_s (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $wb))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $k1)))
      (local.set $o (i32.const 0))
      (loop $out
        (local.set $s (v128.load (i32.add (local.get $S) (local.get $o))))
        (if (local.get $acc) (then (local.set $s (f32x4.add (local.get $s) (v128.load (i32.add (local.get $pc) (local.get $o)))))))
        (v128.store (i32.add (local.get $pc) (local.get $o)) (local.get $s))
        (br_if $out (i32.lt_s (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $wb))))))
    ;; the remaining columns, four at a time (two accumulators over even and odd k)
    (block $done (loop $narrow
      (br_if $done (i32.ge_s (local.get $j) (local.get $N)))
      (local.set $pb (i32.add (local.get $pB) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $c0 (v128.const i64x2 0 0)) (local.set $c1 (v128.const i64x2 0 0))
      (local.set $k (i32.const 0))
      (block $kd (loop $kl
        (br_if $kd (i32.ge_s (i32.add (local.get $k) (i32.const 1)) (local.get $K)))
        (local.set $c0 (f32x4.relaxed_madd (v128.load32_splat (i32.add (local.get $pa) (i32.shl (local.get $k) (i32.const 2))))
          (v128.load (local.get $pb)) (local.get $c0)))
        (local.set $c1 (f32x4.relaxed_madd (v128.load32_splat offset=4 (i32.add (local.get $pa) (i32.shl (local.get $k) (i32.const 2))))
          (v128.load (i32.add (local.get $pb) (local.get $ldb))) (local.get $c1)))
        (local.set $pb (i32.add (local.get $pb) (i32.shl (local.get $ldb) (i32.const 1))))
        (local.set $k (i32.add (local.get $k) (i32.const 2)))
        (br $kl)))
      (if (i32.lt_s (local.get $k) (local.get $K)) (then
        (local.set $c0 (f32x4.relaxed_madd (v128.load32_splat (i32.add (local.get $pa) (i32.shl (local.get $k) (i32.const 2))))
          (v128.load (local.get $pb)) (local.get $c0)))))
      (local.set $s (f32x4.add (local.get $c0) (local.get $c1)))
      (local.set $pb (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 2))))
      (if (local.get $acc) (then (local.set $s (f32x4.add (local.get $s) (v128.load (local.get $pb))))))
      (call $store (local.get $pb) (local.get $s) (i32.sub (local.get $N) (local.get $j)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $narrow))))

  ;; c[0..N) (+)= a[0..K)·B[N×K]ᵀ: dot products of a with four rows of B at once (rows past N
  ;; repeat the last one and are not stored), reduced to one vector of four results. The
  ;; last partial vector along k is masked in both operands (what lies past a row may be
  ;; anything, even NaN).
  (func $gemv_t (param $N i32) (param $K i32) (param $pa i32) (param $pB i32) (param $pc i32) (param $acc i32)
    (local $j i32) (local $o i32) (local $kb i32) (local $last i32) (local $m v128) (local $x v128)
    (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $t0 v128) (local $t1 v128)
    (local.set $kb (i32.shl (local.get $K) (i32.const 2)))
    (local.set $last (i32.add (local.get $pB) (i32.mul (i32.sub (local.get $N) (i32.const 1)) (local.get $kb))))
    (local.set $m (i32x4.gt_s (i32x4.splat (i32.and (local.get $K) (i32.const 3))) (v128.const i32x4 0 1 2 3)))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $j) (local.get $N)))
      (local.set $b0 (i32.add (local.get $pB) (i32.mul (local.get $j) (local.get $kb))))
      (local.set $b1 (i32.add (local.get $b0) (local.get $kb)))
      (if (i32.gt_u (local.get $b1) (local.get $last)) (then (local.set $b1 (local.get $last))))
      (local.set $b2 (i32.add (local.get $b1) (local.get $kb)))
      (if (i32.gt_u (local.get $b2) (local.get $last)) (then (local.set $b2 (local.get $last))))
      (local.set $b3 (i32.add (local.get $b2) (local.get $kb)))
      (if (i32.gt_u (local.get $b3) (local.get $last)) (then (local.set $b3 (local.get $last))))
      (local.set $s0 (v128.const i64x2 0 0)) (local.set $s1 (v128.const i64x2 0 0))
      (local.set $s2 (v128.const i64x2 0 0)) (local.set $s3 (v128.const i64x2 0 0))
      (local.set $o (i32.const 0))
      (block $kd (loop $kl
        (br_if $kd (i32.gt_s (i32.add (local.get $o) (i32.const 16)) (local.get $kb)))
        (local.set $x (v128.load (i32.add (local.get $pa) (local.get $o))))
        (local.set $s0 (f32x4.relaxed_madd (local.get $x) (v128.load (i32.add (local.get $b0) (local.get $o))) (local.get $s0)))
        (local.set $s1 (f32x4.relaxed_madd (local.get $x) (v128.load (i32.add (local.get $b1) (local.get $o))) (local.get $s1)))
        (local.set $s2 (f32x4.relaxed_madd (local.get $x) (v128.load (i32.add (local.get $b2) (local.get $o))) (local.get $s2)))
        (local.set $s3 (f32x4.relaxed_madd (local.get $x) (v128.load (i32.add (local.get $b3) (local.get $o))) (local.get $s3)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $kl)))
      (if (i32.lt_s (local.get $o) (local.get $kb)) (then
        (local.set $x (v128.and (v128.load (i32.add (local.get $pa) (local.get $o))) (local.get $m)))
        (local.set $s0 (f32x4.relaxed_madd (local.get $x) (v128.and (v128.load (i32.add (local.get $b0) (local.get $o))) (local.get $m)) (local.get $s0)))
        (local.set $s1 (f32x4.relaxed_madd (local.get $x) (v128.and (v128.load (i32.add (local.get $b1) (local.get $o))) (local.get $m)) (local.get $s1)))
        (local.set $s2 (f32x4.relaxed_madd (local.get $x) (v128.and (v128.load (i32.add (local.get $b2) (local.get $o))) (local.get $m)) (local.get $s2)))
        (local.set $s3 (f32x4.relaxed_madd (local.get $x) (v128.and (v128.load (i32.add (local.get $b3) (local.get $o))) (local.get $m)) (local.get $s3)))))
      ;; [Σs0, Σs1, Σs2, Σs3]: pairwise interleave and add, twice
      (local.set $t0 (f32x4.add
        (i8x16.shuffle 0 1 2 3 16 17 18 19 8 9 10 11 24 25 26 27 (local.get $s0) (local.get $s1))
        (i8x16.shuffle 4 5 6 7 20 21 22 23 12 13 14 15 28 29 30 31 (local.get $s0) (local.get $s1))))
      (local.set $t1 (f32x4.add
        (i8x16.shuffle 0 1 2 3 16 17 18 19 8 9 10 11 24 25 26 27 (local.get $s2) (local.get $s3))
        (i8x16.shuffle 4 5 6 7 20 21 22 23 12 13 14 15 28 29 30 31 (local.get $s2) (local.get $s3))))
      (local.set $x (f32x4.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1))))
      (local.set $o (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 2))))
      (if (local.get $acc) (then (local.set $x (f32x4.add (local.get $x) (v128.load (local.get $o))))))
      (call $store (local.get $o) (local.get $x) (i32.sub (local.get $N) (local.get $j)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $rows))))

  ;; C[M×N] (+)= A[M×K]·B[K×N]
  (func $gemm_nn (export "gemm_nn") (param $M i32) (param $N i32) (param $K i32) (param $pA i32) (param $pB i32) (param $pC i32) (param $acc i32)
    (if (i32.eq (local.get $M) (i32.const 1)) (then
      (call $gemv_n (local.get $N) (local.get $K) (local.get $pA) (local.get $pB) (i32.shl (local.get $N) (i32.const 2)) (local.get $pC) (local.get $acc))
      (return)))
    (call $gemm_s (local.get $M) (local.get $N) (local.get $K)
      (local.get $pA) (i32.shl (local.get $K) (i32.const 2)) (i32.const 4)
      (local.get $pB) (i32.shl (local.get $N) (i32.const 2)) (i32.const 4) (local.get $pC) (local.get $acc)))

  ;; C[M×N] (+)= A[K×M]ᵀ·B[K×N]
  (func (export "gemm_tn") (param $M i32) (param $N i32) (param $K i32) (param $pA i32) (param $pB i32) (param $pC i32) (param $acc i32)
    (if (i32.eq (local.get $M) (i32.const 1)) (then
      (call $gemv_n (local.get $N) (local.get $K) (local.get $pA) (local.get $pB) (i32.shl (local.get $N) (i32.const 2)) (local.get $pC) (local.get $acc))
      (return)))
    (call $gemm_s (local.get $M) (local.get $N) (local.get $K)
      (local.get $pA) (i32.const 4) (i32.shl (local.get $M) (i32.const 2))
      (local.get $pB) (i32.shl (local.get $N) (i32.const 2)) (i32.const 4) (local.get $pC) (local.get $acc)))

  ;; C1[M1×N] (+)= A1[K×M1]ᵀ·B and C2[M2×N] (+)= A2[K×M2]ᵀ·B with B [K×N] packed once per
  ;; k-block for both (a layer's dW_h and dW_x share ∂L/∂pre).
  (func (export "gemm_tn2") (param $M1 i32) (param $M2 i32) (param $N i32) (param $K i32) (param $pA1 i32) (param $pA2 i32)
                            (param $pB i32) (param $pC1 i32) (param $pC2 i32) (param $acc i32)
    (local $k0 i32) (local $kc i32) (local $pstride i32) (local $a i32)
    (if (i32.le_s (local.get $K) (i32.const 0)) (then
      (if (i32.eqz (local.get $acc)) (then
        (call $zero (local.get $pC1) (i32.mul (local.get $M1) (local.get $N)))
        (call $zero (local.get $pC2) (i32.mul (local.get $M2) (local.get $N)))))
      (return)))
    (loop $kblocks
      (local.set $kc (i32.sub (local.get $K) (local.get $k0)))
      (if (i32.gt_s (local.get $kc) (i32.const 256)) (then (local.set $kc (i32.const 256))))
      (local.set $pstride (i32.add (i32.shl (local.get $kc) (i32.const 5)) (i32.const 64)))
      (call $pack_b (local.get $kc) (local.get $N) (i32.add (local.get $pB) (i32.mul (local.get $k0) (i32.shl (local.get $N) (i32.const 2))))
        (i32.shl (local.get $N) (i32.const 2)) (i32.const 4) (global.get $scrB) (local.get $pstride))
      (local.set $a (select (i32.const 1) (local.get $acc) (i32.gt_s (local.get $k0) (i32.const 0))))
      (call $gemm_block (local.get $M1) (local.get $N) (local.get $kc)
        (i32.add (local.get $pA1) (i32.mul (local.get $k0) (i32.shl (local.get $M1) (i32.const 2)))) (i32.const 4) (i32.shl (local.get $M1) (i32.const 2))
        (global.get $scrB) (local.get $pstride) (local.get $pC1) (local.get $a))
      (call $gemm_block (local.get $M2) (local.get $N) (local.get $kc)
        (i32.add (local.get $pA2) (i32.mul (local.get $k0) (i32.shl (local.get $M2) (i32.const 2)))) (i32.const 4) (i32.shl (local.get $M2) (i32.const 2))
        (global.get $scrB) (local.get $pstride) (local.get $pC2) (local.get $a))
      (br_if $kblocks (i32.lt_s (local.tee $k0 (i32.add (local.get $k0) (i32.const 256))) (local.get $K)))))

  ;; C[M×N] (+)= A[M×K]·B[N×K]ᵀ through packing (Bᵀ packed per k-block): for M ≥ 8.
  (func (export "gemm_nt_packed") (param $M i32) (param $N i32) (param $K i32) (param $pA i32) (param $pB i32) (param $pC i32) (param $acc i32)
    (call $gemm_s (local.get $M) (local.get $N) (local.get $K)
      (local.get $pA) (i32.shl (local.get $K) (i32.const 2)) (i32.const 4)
      (local.get $pB) (i32.const 4) (i32.shl (local.get $K) (i32.const 2)) (local.get $pC) (local.get $acc)))

  ;; dst[C×R] = src[R×C]ᵀ (4×4 blocks through registers, scalar edges).
  (func (export "transpose") (param $R i32) (param $C i32) (param $src i32) (param $dst i32)
    (local $r i32) (local $c i32) (local $R4 i32) (local $C4 i32) (local $sr i32) (local $dr i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $R4 (i32.and (local.get $R) (i32.const -4)))
    (local.set $C4 (i32.and (local.get $C) (i32.const -4)))
    (local.set $r (i32.const 0))
    (block $rdone (loop $rows
      (br_if $rdone (i32.ge_s (local.get $r) (local.get $R4)))
      (local.set $c (i32.const 0))
      (block $cdone (loop $cols
        (br_if $cdone (i32.ge_s (local.get $c) (local.get $C4)))
        (local.set $sr (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $C)) (local.get $c)) (i32.const 2))))
        (local.set $x0 (v128.load (local.get $sr)))
        (local.set $sr (i32.add (local.get $sr) (i32.shl (local.get $C) (i32.const 2))))
        (local.set $x1 (v128.load (local.get $sr)))
        (local.set $sr (i32.add (local.get $sr) (i32.shl (local.get $C) (i32.const 2))))
        (local.set $x2 (v128.load (local.get $sr)))
        (local.set $sr (i32.add (local.get $sr) (i32.shl (local.get $C) (i32.const 2))))
        (local.set $x3 (v128.load (local.get $sr)))
        ;; t0 = x0[0] x1[0] x0[1] x1[1], t1 = x0[2] x1[2] x0[3] x1[3], same for x2,x3
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
        (local.set $dr (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $R)) (local.get $r)) (i32.const 2))))
        (v128.store (local.get $dr) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
        (local.set $dr (i32.add (local.get $dr) (i32.shl (local.get $R) (i32.const 2))))
        (v128.store (local.get $dr) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
        (local.set $dr (i32.add (local.get $dr) (i32.shl (local.get $R) (i32.const 2))))
        (v128.store (local.get $dr) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
        (local.set $dr (i32.add (local.get $dr) (i32.shl (local.get $R) (i32.const 2))))
        (v128.store (local.get $dr) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $cols)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $rows)))
    ;; edges: rows ≥ R4 (all columns), columns ≥ C4 (rows < R4)
    (local.set $r (i32.const 0))
    (block $done (loop $er
      (br_if $done (i32.ge_s (local.get $r) (local.get $R)))
      (local.set $c (select (i32.const 0) (local.get $C4) (i32.ge_s (local.get $r) (local.get $R4))))
      (block $cd (loop $ec
        (br_if $cd (i32.ge_s (local.get $c) (local.get $C)))
        (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $R)) (local.get $r)) (i32.const 2)))
          (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $C)) (local.get $c)) (i32.const 2)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $ec)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $er))))

  ;; One entry of an A·Bᵀ tile: the lanes of s plus the scalar tail k ∈ [k0, K), into C.
  (func $dotout (param $s v128) (param $pa i32) (param $pb i32) (param $k0 i32) (param $K i32) (param $pc i32) (param $acc i32)
    (local $t f32) (local $o i32)
    (local.set $t (call $hsum (local.get $s)))
    (local.set $o (i32.shl (local.get $k0) (i32.const 2)))
    (block $done (loop $tail
      (br_if $done (i32.ge_s (local.get $k0) (local.get $K)))
      (local.set $t (f32.add (local.get $t)
        (f32.mul (f32.load (i32.add (local.get $pa) (local.get $o))) (f32.load (i32.add (local.get $pb) (local.get $o))))))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (local.set $k0 (i32.add (local.get $k0) (i32.const 1)))
      (br $tail)))
    (if (local.get $acc) (then (local.set $t (f32.add (local.get $t) (f32.load (local.get $pc))))))
    (f32.store (local.get $pc) (local.get $t)))

  ;; C[M×N] (+)= A[M×K]·B[N×K]ᵀ as dot products along k: tiles of 4 rows of A × 2 rows of B,
  ;; eight accumulators. No packing, so it suits small M (the recurrent step's backward);
  ;; for large M the caller transposes B once and uses gemm_nn.
  (func $gemm_nt (export "gemm_nt") (param $M i32) (param $N i32) (param $K i32) (param $pA i32) (param $pB i32) (param $pC i32) (param $acc i32)
    (local $i i32) (local $j i32) (local $o i32) (local $kb i32) (local $K4b i32) (local $K4 i32)
    (local $lastA i32) (local $lastB i32) (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $b0 i32) (local $b1 i32)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $y0 v128) (local $y1 v128)
    (local $pc i32) (local $ldc i32)
    (if (i32.eq (local.get $M) (i32.const 1)) (then
      (call $gemv_t (local.get $N) (local.get $K) (local.get $pA) (local.get $pB) (local.get $pC) (local.get $acc))
      (return)))
    (if (i32.or (i32.le_s (local.get $M) (i32.const 0)) (i32.le_s (local.get $N) (i32.const 0))) (then (return)))
    (local.set $kb (i32.shl (local.get $K) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $N) (i32.const 2)))
    (local.set $K4 (i32.and (local.get $K) (i32.const -4)))
    (local.set $K4b (i32.shl (local.get $K4) (i32.const 2)))
    (local.set $lastA (i32.add (local.get $pA) (i32.mul (i32.sub (local.get $M) (i32.const 1)) (local.get $kb))))
    (local.set $lastB (i32.add (local.get $pB) (i32.mul (i32.sub (local.get $N) (i32.const 1)) (local.get $kb))))
    (local.set $i (i32.const 0))
    (loop $rows
      (local.set $a0 (i32.add (local.get $pA) (i32.mul (local.get $i) (local.get $kb))))
      (local.set $a1 (i32.add (local.get $a0) (local.get $kb)))
      (if (i32.gt_u (local.get $a1) (local.get $lastA)) (then (local.set $a1 (local.get $lastA))))
      (local.set $a2 (i32.add (local.get $a1) (local.get $kb)))
      (if (i32.gt_u (local.get $a2) (local.get $lastA)) (then (local.set $a2 (local.get $lastA))))
      (local.set $a3 (i32.add (local.get $a2) (local.get $kb)))
      (if (i32.gt_u (local.get $a3) (local.get $lastA)) (then (local.set $a3 (local.get $lastA))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $b0 (i32.add (local.get $pB) (i32.mul (local.get $j) (local.get $kb))))
        (local.set $b1 (i32.add (local.get $b0) (local.get $kb)))
        (if (i32.gt_u (local.get $b1) (local.get $lastB)) (then (local.set $b1 (local.get $lastB))))
        (local.set $s00 (v128.const i64x2 0 0)) (local.set $s01 (v128.const i64x2 0 0))
        (local.set $s10 (v128.const i64x2 0 0)) (local.set $s11 (v128.const i64x2 0 0))
        (local.set $s20 (v128.const i64x2 0 0)) (local.set $s21 (v128.const i64x2 0 0))
        (local.set $s30 (v128.const i64x2 0 0)) (local.set $s31 (v128.const i64x2 0 0))
        (local.set $o (i32.const 0))
        (block $kdone (loop $k
          (br_if $kdone (i32.ge_s (local.get $o) (local.get $K4b)))
          (local.set $y0 (v128.load (i32.add (local.get $b0) (local.get $o))))
          (local.set $y1 (v128.load (i32.add (local.get $b1) (local.get $o))))
          (local.set $x0 (v128.load (i32.add (local.get $a0) (local.get $o))))
          (local.set $s00 (f32x4.relaxed_madd (local.get $x0) (local.get $y0) (local.get $s00)))
          (local.set $s01 (f32x4.relaxed_madd (local.get $x0) (local.get $y1) (local.get $s01)))
          (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $o))))
          (local.set $s10 (f32x4.relaxed_madd (local.get $x1) (local.get $y0) (local.get $s10)))
          (local.set $s11 (f32x4.relaxed_madd (local.get $x1) (local.get $y1) (local.get $s11)))
          (local.set $x2 (v128.load (i32.add (local.get $a2) (local.get $o))))
          (local.set $s20 (f32x4.relaxed_madd (local.get $x2) (local.get $y0) (local.get $s20)))
          (local.set $s21 (f32x4.relaxed_madd (local.get $x2) (local.get $y1) (local.get $s21)))
          (local.set $x3 (v128.load (i32.add (local.get $a3) (local.get $o))))
          (local.set $s30 (f32x4.relaxed_madd (local.get $x3) (local.get $y0) (local.get $s30)))
          (local.set $s31 (f32x4.relaxed_madd (local.get $x3) (local.get $y1) (local.get $s31)))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (br $k)))
        (local.set $pc (i32.add (local.get $pC) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2)))))
        (call $dotout (local.get $s00) (local.get $a0) (local.get $b0) (local.get $K4) (local.get $K) (local.get $pc) (local.get $acc))
        (if (i32.lt_s (i32.add (local.get $j) (i32.const 1)) (local.get $N)) (then
          (call $dotout (local.get $s01) (local.get $a0) (local.get $b1) (local.get $K4) (local.get $K) (i32.add (local.get $pc) (i32.const 4)) (local.get $acc))))
        (if (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $M)) (then
          (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
          (call $dotout (local.get $s10) (local.get $a1) (local.get $b0) (local.get $K4) (local.get $K) (local.get $pc) (local.get $acc))
          (if (i32.lt_s (i32.add (local.get $j) (i32.const 1)) (local.get $N)) (then
            (call $dotout (local.get $s11) (local.get $a1) (local.get $b1) (local.get $K4) (local.get $K) (i32.add (local.get $pc) (i32.const 4)) (local.get $acc))))))
        (if (i32.lt_s (i32.add (local.get $i) (i32.const 2)) (local.get $M)) (then
          (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
          (call $dotout (local.get $s20) (local.get $a2) (local.get $b0) (local.get $K4) (local.get $K) (local.get $pc) (local.get $acc))
          (if (i32.lt_s (i32.add (local.get $j) (i32.const 1)) (local.get $N)) (then
            (call $dotout (local.get $s21) (local.get $a2) (local.get $b1) (local.get $K4) (local.get $K) (i32.add (local.get $pc) (i32.const 4)) (local.get $acc))))))
        (if (i32.lt_s (i32.add (local.get $i) (i32.const 3)) (local.get $M)) (then
          (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
          (call $dotout (local.get $s30) (local.get $a3) (local.get $b0) (local.get $K4) (local.get $K) (local.get $pc) (local.get $acc))
          (if (i32.lt_s (i32.add (local.get $j) (i32.const 1)) (local.get $N)) (then
            (call $dotout (local.get $s31) (local.get $a3) (local.get $b1) (local.get $K4) (local.get $K) (i32.add (local.get $pc) (i32.const 4)) (local.get $acc))))))
        (br_if $cols (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 2))) (local.get $N))))
      (br_if $rows (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $M)))))

  ;; ======================================================================= rows and vectors

  ;; out[r,:] (+)= table[ids[r],:]
  (func $gather_rows (export "gather_rows") (param $out i32) (param $table i32) (param $ids i32) (param $rows i32) (param $cols i32) (param $acc i32)
    (local $st v128)
    (local $r i32) (local $j i32) (local $src i32) (local $dst i32) (local $v v128)
    (block $done (loop $row
      (br_if $done (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $src (i32.add (local.get $table)
        (i32.shl (i32.mul (i32.load (i32.add (local.get $ids) (i32.shl (local.get $r) (i32.const 2)))) (local.get $cols)) (i32.const 2))))
      (local.set $dst (i32.add (local.get $out) (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 2))))
      (local.set $j (i32.const 0))
      (block $cd (loop $col
        (br_if $cd (i32.ge_s (local.get $j) (local.get $cols)))
        (local.set $v (v128.load (local.get $src)))
        (if (local.get $acc) (then (local.set $v (f32x4.add (local.get $v) (v128.load (local.get $dst))))))
        (local.set $st (local.get $v))
        (if (i32.ge_s (i32.sub (local.get $cols) (local.get $j)) (i32.const 4)) (then (v128.store (local.get $dst) (local.get $st))) (else (call $store (local.get $dst) (local.get $st) (i32.sub (local.get $cols) (local.get $j)))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $col)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; table[ids[r],:] += src[r,:]
  (func $scatter_add_rows (export "scatter_add_rows") (param $table i32) (param $src i32) (param $ids i32) (param $rows i32) (param $cols i32)
    (local $st v128)
    (local $r i32) (local $j i32) (local $s i32) (local $t i32)
    (block $done (loop $row
      (br_if $done (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $t (i32.add (local.get $table)
        (i32.shl (i32.mul (i32.load (i32.add (local.get $ids) (i32.shl (local.get $r) (i32.const 2)))) (local.get $cols)) (i32.const 2))))
      (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 2))))
      (local.set $j (i32.const 0))
      (block $cd (loop $col
        (br_if $cd (i32.ge_s (local.get $j) (local.get $cols)))
        (local.set $st (f32x4.add (v128.load (local.get $t)) (v128.load (local.get $s))))
        (if (i32.ge_s (i32.sub (local.get $cols) (local.get $j)) (i32.const 4)) (then (v128.store (local.get $t) (local.get $st))) (else (call $store (local.get $t) (local.get $st) (i32.sub (local.get $cols) (local.get $j)))))
        (local.set $s (i32.add (local.get $s) (i32.const 16)))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $col)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; C[r,:] += v
  (func $add_row_vector (export "add_row_vector") (param $C i32) (param $v i32) (param $rows i32) (param $cols i32)
    (local $st v128)
    (local $r i32) (local $j i32) (local $p i32) (local $q i32)
    (local.set $p (local.get $C))
    (block $done (loop $row
      (br_if $done (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $q (local.get $v))
      (local.set $j (i32.const 0))
      (block $cd (loop $col
        (br_if $cd (i32.ge_s (local.get $j) (local.get $cols)))
        (local.set $st (f32x4.add (v128.load (local.get $p)) (v128.load (local.get $q))))
        (if (i32.ge_s (i32.sub (local.get $cols) (local.get $j)) (i32.const 4)) (then (v128.store (local.get $p) (local.get $st))) (else (call $store (local.get $p) (local.get $st) (i32.sub (local.get $cols) (local.get $j)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $col)))
      (local.set $p (i32.sub (local.get $p) (i32.shl (i32.sub (local.get $j) (local.get $cols)) (i32.const 2))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; v += Σ_r C[r,:]: 16 columns at a time summed down the rows in four registers (v is loaded
  ;; and stored once per column block, not once per row), then the last columns 4 and 1 at a time.
  (func $sum_rows (export "sum_rows") (param $v i32) (param $C i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $j i32) (local $p i32) (local $ld i32) (local $q i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $f f32)
    (if (i32.le_s (local.get $rows) (i32.const 0)) (then (return)))
    (local.set $ld (i32.shl (local.get $cols) (i32.const 2)))
    (block $d16 (loop $c16
      (br_if $d16 (i32.gt_s (i32.add (local.get $j) (i32.const 16)) (local.get $cols)))
      (local.set $q (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $s0 (v128.load (local.get $q)))
      (local.set $s1 (v128.load offset=16 (local.get $q)))
      (local.set $s2 (v128.load offset=32 (local.get $q)))
      (local.set $s3 (v128.load offset=48 (local.get $q)))
      (local.set $p (i32.add (local.get $C) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $r (local.get $rows))
      (loop $rl
        (local.set $s0 (f32x4.add (local.get $s0) (v128.load (local.get $p))))
        (local.set $s1 (f32x4.add (local.get $s1) (v128.load offset=16 (local.get $p))))
        (local.set $s2 (f32x4.add (local.get $s2) (v128.load offset=32 (local.get $p))))
        (local.set $s3 (f32x4.add (local.get $s3) (v128.load offset=48 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $ld)))
        (br_if $rl (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (v128.store (local.get $q) (local.get $s0))
      (v128.store offset=16 (local.get $q) (local.get $s1))
      (v128.store offset=32 (local.get $q) (local.get $s2))
      (v128.store offset=48 (local.get $q) (local.get $s3))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $c16)))
    (block $d4 (loop $c4
      (br_if $d4 (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $cols)))
      (local.set $q (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $s0 (v128.load (local.get $q)))
      (local.set $p (i32.add (local.get $C) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $r (local.get $rows))
      (loop $rl
        (local.set $s0 (f32x4.add (local.get $s0) (v128.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $ld)))
        (br_if $rl (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (v128.store (local.get $q) (local.get $s0))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $c4)))
    (block $d1 (loop $c1
      (br_if $d1 (i32.ge_s (local.get $j) (local.get $cols)))
      (local.set $q (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $f (f32.load (local.get $q)))
      (local.set $p (i32.add (local.get $C) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $r (local.get $rows))
      (loop $rl
        (local.set $f (f32.add (local.get $f) (f32.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $ld)))
        (br_if $rl (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (f32.store (local.get $q) (local.get $f))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $c1))))

  ;; y += a·x
  (func (export "axpy") (param $y i32) (param $a f32) (param $x i32) (param $n i32)
    (local $st v128)
    (local $i i32) (local $av v128)
    (local.set $av (f32x4.splat (local.get $a)))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $st (f32x4.relaxed_madd (local.get $av) (v128.load (local.get $x)) (v128.load (local.get $y))))
      (if (i32.ge_s (i32.sub (local.get $n) (local.get $i)) (i32.const 4)) (then (v128.store (local.get $y) (local.get $st))) (else (call $store (local.get $y) (local.get $st) (i32.sub (local.get $n) (local.get $i)))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l))))

  ;; x *= s
  (func (export "scale") (param $x i32) (param $s f32) (param $n i32)
    (local $st v128)
    (local $i i32) (local $sv v128)
    (local.set $sv (f32x4.splat (local.get $s)))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $st (f32x4.mul (local.get $sv) (v128.load (local.get $x))))
      (if (i32.ge_s (i32.sub (local.get $n) (local.get $i)) (i32.const 4)) (then (v128.store (local.get $x) (local.get $st))) (else (call $store (local.get $x) (local.get $st) (i32.sub (local.get $n) (local.get $i)))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l))))

  ;; Σ x², squares and sums in f64
  (func $sum_squares (export "sum_squares") (param $x i32) (param $n i32) (result f64)
    (local $i i32) (local $v v128) (local $lo v128) (local $hi v128) (local $s0 v128) (local $s1 v128)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $v (v128.and (v128.load (local.get $x)) (i32x4.gt_s (i32x4.splat (i32.sub (local.get $n) (local.get $i))) (v128.const i32x4 0 1 2 3))))
      (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))
      (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
      (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $lo) (local.get $lo))))
      (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $hi) (local.get $hi))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))

  ;; y = a + b over n floats, returning Σ y² as $sum_squares computes it (the same f64 sums in
  ;; the same order, so a fused loop's gradient norms equal the per-step ops' bit for bit).
  ;; The time loops' ∂L/∂h_t goes through here: a y below the smallest normal float is flushed
  ;; to zero (see "Subnormals" at the top).
  (func $add_sum_squares (param $y i32) (param $a i32) (param $b i32) (param $n i32) (result f64)
    (local $i i32) (local $v v128) (local $lo v128) (local $hi v128) (local $s0 v128) (local $s1 v128)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $v (f32x4.add (v128.load (local.get $a)) (v128.load (local.get $b))))
      (local.set $v (v128.and (local.get $v) (f32x4.ge (f32x4.abs (local.get $v)) (v128.const f32x4 0x1p-126 0x1p-126 0x1p-126 0x1p-126))))
      (if (i32.ge_s (i32.sub (local.get $n) (local.get $i)) (i32.const 4))
        (then (v128.store (local.get $y) (local.get $v)))
        (else
          (call $store (local.get $y) (local.get $v) (i32.sub (local.get $n) (local.get $i)))
          (local.set $v (v128.and (local.get $v) (call $mask (i32.sub (local.get $n) (local.get $i)))))))
      (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))
      (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
      (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $lo) (local.get $lo))))
      (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $hi) (local.get $hi))))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))

  ;; y = x ⊙ m
  (func (export "mul") (param $y i32) (param $x i32) (param $m i32) (param $n i32)
    (local $st v128)
    (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $st (f32x4.mul (v128.load (local.get $x)) (v128.load (local.get $m))))
      (if (i32.ge_s (i32.sub (local.get $n) (local.get $i)) (i32.const 4)) (then (v128.store (local.get $y) (local.get $st))) (else (call $store (local.get $y) (local.get $st) (i32.sub (local.get $n) (local.get $i)))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $m (i32.add (local.get $m) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l))))

  ;; ======================================================================= non-linearities

  ;; y = act(x), act 0 = tanh, 1 = relu
  (func $act_forward (export "act_forward") (param $act i32) (param $y i32) (param $x i32) (param $n i32)
    (local $i i32) (local $v v128)
    (if (i32.eqz (local.get $act)) (then
      (call $tanh_n (local.get $y) (local.get $x) (local.get $n) (f32.const 1) (f32.const 1) (f32.const 0))
      (return)))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $v (v128.load (local.get $x)))
      (local.set $v (v128.and (local.get $v) (f32x4.gt (local.get $v) (v128.const i64x2 0 0))))
      (if (i32.ge_s (i32.sub (local.get $n) (local.get $i)) (i32.const 4))
        (then (v128.store (local.get $y) (local.get $v)))
        (else (call $store (local.get $y) (local.get $v) (i32.sub (local.get $n) (local.get $i)))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l))))

  ;; dx (+)= dy ⊙ act'(x), from y = act(x): tanh' = 1 - y², relu' = [y > 0]
  (func $act_backward (export "act_backward") (param $act i32) (param $dx i32) (param $dy i32) (param $y i32) (param $n i32) (param $acc i32)
    (local $st v128)
    (local $i i32) (local $v v128) (local $yv v128)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $yv (v128.load (local.get $y)))
      (if (i32.eqz (local.get $act))
        (then (local.set $v (f32x4.mul (v128.load (local.get $dy))
          (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $yv) (local.get $yv))))))
        (else (local.set $v (v128.and (v128.load (local.get $dy)) (f32x4.gt (local.get $yv) (v128.const i64x2 0 0))))))
      (if (local.get $acc) (then (local.set $v (f32x4.add (local.get $v) (v128.load (local.get $dx))))))
      (local.set $st (local.get $v))
      (if (i32.ge_s (i32.sub (local.get $n) (local.get $i)) (i32.const 4)) (then (v128.store (local.get $dx) (local.get $st))) (else (call $store (local.get $dx) (local.get $st) (i32.sub (local.get $n) (local.get $i)))))
      (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
      (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l))))

  ;; ======================================================================= LSTM cell


  ;; Per row: the gate blocks [i|f|g|o] are activated in place (i, f, o by σ, g by tanh), then
  ;; c = f⊙cPrev + i⊙g, tanhC = tanh(c) (of the stored c, as the backward sees it), h = o⊙tanhC.
  (func $lstm_forward (export "lstm_forward") (param $B i32) (param $H i32) (param $g i32) (param $cp i32) (param $c i32) (param $tc i32) (param $h i32)
    (local $b i32) (local $j i32) (local $H4 i32) (local $pg i32) (local $ps i32) (local $o i32) (local $v v128)
    (local.set $H4 (i32.shl (local.get $H) (i32.const 2)))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $b) (local.get $B)))
      (local.set $pg (i32.add (local.get $g) (i32.shl (i32.mul (local.get $b) (local.get $H4)) (i32.const 2))))
      (local.set $ps (i32.mul (local.get $b) (local.get $H4)))
      (call $tanh_n (local.get $pg) (local.get $pg) (i32.shl (local.get $H) (i32.const 1)) (f32.const 0.5) (f32.const 0.5) (f32.const 0.5))
      (local.set $o (i32.add (local.get $pg) (i32.shl (local.get $H4) (i32.const 1))))
      (call $tanh_n (local.get $o) (local.get $o) (local.get $H) (f32.const 1) (f32.const 1) (f32.const 0))
      (local.set $o (i32.add (local.get $o) (local.get $H4)))
      (call $tanh_n (local.get $o) (local.get $o) (local.get $H) (f32.const 0.5) (f32.const 0.5) (f32.const 0.5))
      ;; c = f⊙cPrev + i⊙g
      (local.set $j (i32.const 0))
      (block $jd (loop $units
        (br_if $jd (i32.ge_s (local.get $j) (local.get $H)))
        (local.set $o (i32.add (local.get $pg) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $v (f32x4.relaxed_madd
          (v128.load (i32.add (local.get $o) (local.get $H4)))
          (v128.load (i32.add (local.get $cp) (i32.add (local.get $ps) (i32.shl (local.get $j) (i32.const 2)))))
          (f32x4.mul (v128.load (local.get $o)) (v128.load (i32.add (local.get $o) (i32.shl (local.get $H4) (i32.const 1)))))))
        (local.set $o (i32.add (local.get $c) (i32.add (local.get $ps) (i32.shl (local.get $j) (i32.const 2)))))
        (if (i32.ge_s (i32.sub (local.get $H) (local.get $j)) (i32.const 4))
          (then (v128.store (local.get $o) (local.get $v)))
          (else (call $store (local.get $o) (local.get $v) (i32.sub (local.get $H) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $units)))
      (call $tanh_n (i32.add (local.get $tc) (local.get $ps)) (i32.add (local.get $c) (local.get $ps)) (local.get $H) (f32.const 1) (f32.const 1) (f32.const 0))
      ;; h = o⊙tanh(c)
      (local.set $j (i32.const 0))
      (block $hd (loop $hl
        (br_if $hd (i32.ge_s (local.get $j) (local.get $H)))
        (local.set $o (i32.add (local.get $ps) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $v (f32x4.mul
          (v128.load (i32.add (i32.add (local.get $pg) (i32.mul (local.get $H4) (i32.const 3))) (i32.shl (local.get $j) (i32.const 2))))
          (v128.load (i32.add (local.get $tc) (local.get $o)))))
        (if (i32.ge_s (i32.sub (local.get $H) (local.get $j)) (i32.const 4))
          (then (v128.store (i32.add (local.get $h) (local.get $o)) (local.get $v)))
          (else (call $store (i32.add (local.get $h) (local.get $o)) (local.get $v) (i32.sub (local.get $H) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $hl)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $rows))))

  ;; dct = dc + dh·o·(1-tc²); d(i,f,g,o) pre-activations; dc ← dct·f
  (func $lstm_bwd4 (param $dg i32) (param $g i32) (param $H4 i32) (param $dh i32) (param $dc i32) (param $cp i32) (param $tc i32) (param $n i32)
    (local $st v128)
    (local $i v128) (local $f v128) (local $gg v128) (local $o v128) (local $t v128) (local $dhv v128) (local $dct v128)
    (local $p i32) (local $q i32)
    (local.set $i (v128.load (local.get $g)))
    (local.set $p (i32.add (local.get $g) (local.get $H4)))
    (local.set $f (v128.load (local.get $p)))
    (local.set $p (i32.add (local.get $p) (local.get $H4)))
    (local.set $gg (v128.load (local.get $p)))
    (local.set $p (i32.add (local.get $p) (local.get $H4)))
    (local.set $o (v128.load (local.get $p)))
    (local.set $t (v128.load (local.get $tc)))
    (local.set $dhv (v128.load (local.get $dh)))
    (local.set $dct (f32x4.add (v128.load (local.get $dc))
      (f32x4.mul (f32x4.mul (local.get $dhv) (local.get $o))
        (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $t) (local.get $t))))))
    (local.set $st (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dct) (local.get $gg)) (local.get $i))
        (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $i))))
        (if (i32.ge_s (local.get $n) (i32.const 4)) (then (v128.store (local.get $dg) (local.get $st))) (else (call $store (local.get $dg) (local.get $st) (local.get $n))))
    (local.set $q (i32.add (local.get $dg) (local.get $H4)))
    (local.set $st (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dct) (v128.load (local.get $cp))) (local.get $f))
        (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $f))))
        (if (i32.ge_s (local.get $n) (i32.const 4)) (then (v128.store (local.get $q) (local.get $st))) (else (call $store (local.get $q) (local.get $st) (local.get $n))))
    (local.set $q (i32.add (local.get $q) (local.get $H4)))
    (local.set $st (f32x4.mul (f32x4.mul (local.get $dct) (local.get $i))
        (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $gg) (local.get $gg)))))
        (if (i32.ge_s (local.get $n) (i32.const 4)) (then (v128.store (local.get $q) (local.get $st))) (else (call $store (local.get $q) (local.get $st) (local.get $n))))
    (local.set $q (i32.add (local.get $q) (local.get $H4)))
    (local.set $st (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dhv) (local.get $t)) (local.get $o))
        (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $o))))
        (if (i32.ge_s (local.get $n) (i32.const 4)) (then (v128.store (local.get $q) (local.get $st))) (else (call $store (local.get $q) (local.get $st) (local.get $n))))
    (local.set $st (f32x4.mul (local.get $dct) (local.get $f)))
    (local.set $st (v128.and (local.get $st) (f32x4.ge (f32x4.abs (local.get $st)) (v128.const f32x4 0x1p-126 0x1p-126 0x1p-126 0x1p-126))))
    (if (i32.ge_s (local.get $n) (i32.const 4)) (then (v128.store (local.get $dc) (local.get $st))) (else (call $store (local.get $dc) (local.get $st) (local.get $n)))))

  (func $lstm_backward (export "lstm_backward") (param $B i32) (param $H i32) (param $dg i32) (param $dh i32) (param $dc i32) (param $g i32) (param $cp i32) (param $tc i32)
    (local $b i32) (local $j i32) (local $H4 i32) (local $grow i32) (local $srow i32) (local $o i32)
    (local $p i32) (local $q i32) (local $s i32)
    (local $i v128) (local $f v128) (local $gg v128) (local $ov v128) (local $t v128) (local $dhv v128) (local $dct v128)
    (local.set $H4 (i32.shl (local.get $H) (i32.const 2)))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $b) (local.get $B)))
      (local.set $grow (i32.shl (i32.mul (local.get $b) (local.get $H)) (i32.const 4)))
      (local.set $srow (i32.shl (i32.mul (local.get $b) (local.get $H)) (i32.const 2)))
      (local.set $j (i32.const 0))
      (block $jd (loop $units
        (br_if $jd (i32.ge_s (local.get $j) (local.get $H)))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (if (i32.ge_s (i32.sub (local.get $H) (local.get $j)) (i32.const 4)) (then
          ;; a whole vector inline (the call below is for the last partial one)
          (local.set $p (i32.add (local.get $g) (i32.add (local.get $grow) (local.get $o))))
          (local.set $i (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $H4)))
          (local.set $f (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $H4)))
          (local.set $gg (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $H4)))
          (local.set $ov (v128.load (local.get $p)))
          (local.set $s (i32.add (local.get $srow) (local.get $o)))
          (local.set $t (v128.load (i32.add (local.get $tc) (local.get $s))))
          (local.set $dhv (v128.load (i32.add (local.get $dh) (local.get $s))))
          (local.set $dct (f32x4.add (v128.load (i32.add (local.get $dc) (local.get $s)))
            (f32x4.mul (f32x4.mul (local.get $dhv) (local.get $ov))
              (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $t) (local.get $t))))))
          (local.set $q (i32.add (local.get $dg) (i32.add (local.get $grow) (local.get $o))))
          (v128.store (local.get $q) (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dct) (local.get $gg)) (local.get $i))
            (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $i))))
          (local.set $q (i32.add (local.get $q) (local.get $H4)))
          (v128.store (local.get $q) (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dct) (v128.load (i32.add (local.get $cp) (local.get $s)))) (local.get $f))
            (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $f))))
          (local.set $q (i32.add (local.get $q) (local.get $H4)))
          (v128.store (local.get $q) (f32x4.mul (f32x4.mul (local.get $dct) (local.get $i))
            (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $gg) (local.get $gg)))))
          (local.set $q (i32.add (local.get $q) (local.get $H4)))
          (v128.store (local.get $q) (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dhv) (local.get $t)) (local.get $ov))
            (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $ov))))
          (local.set $dct (f32x4.mul (local.get $dct) (local.get $f)))
          (v128.store (i32.add (local.get $dc) (local.get $s))
            (v128.and (local.get $dct) (f32x4.ge (f32x4.abs (local.get $dct)) (v128.const f32x4 0x1p-126 0x1p-126 0x1p-126 0x1p-126))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $units)))
        (call $lstm_bwd4
          (i32.add (local.get $dg) (i32.add (local.get $grow) (local.get $o)))
          (i32.add (local.get $g) (i32.add (local.get $grow) (local.get $o)))
          (local.get $H4)
          (i32.add (local.get $dh) (i32.add (local.get $srow) (local.get $o)))
          (i32.add (local.get $dc) (i32.add (local.get $srow) (local.get $o)))
          (i32.add (local.get $cp) (i32.add (local.get $srow) (local.get $o)))
          (i32.add (local.get $tc) (i32.add (local.get $srow) (local.get $o)))
          (i32.sub (local.get $H) (local.get $j)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $units)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $rows))))

  ;; ======================================================================= LSTM time loops


  ;; The whole LSTM forward time loop (no layer norm) in one call: for t < T, the input term
  ;; of step t (below), gates_t += h_t·W_h (W_h packed by pack_b, K = H, N = 4H), then
  ;; $lstm_forward. hs, cs [(T+1)·B×H] hold h_0, c_0 in their first block; gx [T·B×4H] gets the
  ;; activated gates. The input term, written into gates_t while it is hot in cache:
  ;; - ids ≠ 0: row ids[t·B + b] of table [·×4H] (an embedding folded into W_x), plus bias if ≠ 0;
  ;; - else x ≠ 0: x_t [B×I]·W_x (packed by pack_b at Wxp, K = I, N = 4H) + bias;
  ;; - else gx already holds it on entry.
  (func (export "lstm_seq_forward") (param $T i32) (param $B i32) (param $H i32) (param $gx i32) (param $Wp i32)
                                    (param $hs i32) (param $cs i32) (param $tc i32)
                                    (param $ids i32) (param $table i32) (param $x i32) (param $Wxp i32) (param $I i32) (param $bias i32)
    (local $t i32) (local $step i32) (local $gstep i32) (local $o i32) (local $go i32) (local $H4 i32)
    (local.set $H4 (i32.shl (local.get $H) (i32.const 2)))
    (local.set $step (i32.shl (i32.mul (local.get $B) (local.get $H)) (i32.const 2)))
    (local.set $gstep (i32.shl (local.get $step) (i32.const 2)))
    (global.set $bias (local.get $bias))
    (block $done (loop $time
      (br_if $done (i32.ge_s (local.get $t) (local.get $T)))
      (local.set $o (i32.mul (local.get $t) (local.get $step)))
      (local.set $go (i32.add (local.get $gx) (i32.mul (local.get $t) (local.get $gstep))))
      (if (local.get $ids)
        (then
          (call $gather_rows (local.get $go) (local.get $table)
            (i32.add (local.get $ids) (i32.shl (i32.mul (local.get $t) (local.get $B)) (i32.const 2))) (local.get $B) (local.get $H4) (i32.const 0))
          (if (local.get $bias) (then (call $add_row_vector (local.get $go) (local.get $bias) (local.get $B) (local.get $H4)))))
        (else (if (local.get $x) (then
          (call $gemm_packed (local.get $B) (local.get $H4) (local.get $I)
            (i32.add (local.get $x) (i32.shl (i32.mul (i32.mul (local.get $t) (local.get $B)) (local.get $I)) (i32.const 2)))
            (local.get $Wxp) (local.get $go) (select (i32.const 2) (i32.const 0) (local.get $bias)))))))
      (call $gemm_packed (local.get $B) (local.get $H4) (local.get $H)
        (i32.add (local.get $hs) (local.get $o)) (local.get $Wp) (local.get $go) (i32.const 1))
      (call $lstm_forward (local.get $B) (local.get $H) (local.get $go)
        (i32.add (local.get $cs) (local.get $o)) (i32.add (local.get $cs) (i32.add (local.get $o) (local.get $step)))
        (i32.add (local.get $tc) (local.get $o)) (i32.add (local.get $hs) (i32.add (local.get $o) (local.get $step))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $time))))

  ;; Its backward, t = T-1 … 0: dh = dOut_t + dhNext, norms[t] = Σdh² (f64), $lstm_backward into
  ;; dPre_t (dc carried), then while dPre_t is hot: db += Σ_rows dPre_t (db ≠ 0), dX_t = dPre_t·W_xᵀ
  ;; (dX ≠ 0; W_xᵀ packed at WxTp, K = 4H, N = I), S[ids[t·B + b]] += dPre_t[b] (S ≠ 0: the per-token
  ;; sums of a folded embedding), and dhNext = dPre_t·W_hᵀ (W_hᵀ packed: K = 4H, N = H). The caller
  ;; zeroes dhNext and dc first; dhNext holds ∂L/∂h_0 on return.
  (func (export "lstm_seq_backward") (param $T i32) (param $B i32) (param $H i32) (param $dOut i32) (param $gx i32)
                                     (param $cs i32) (param $tc i32) (param $WTp i32) (param $dPre i32)
                                     (param $dh i32) (param $dc i32) (param $dhNext i32) (param $norms i32)
                                     (param $db i32) (param $WxTp i32) (param $I i32) (param $dX i32) (param $ids i32) (param $S i32)
    (local $t i32) (local $n i32) (local $step i32) (local $gstep i32) (local $o i32) (local $go i32) (local $i i32) (local $v v128)
    (local.set $n (i32.mul (local.get $B) (local.get $H)))
    (local.set $step (i32.shl (local.get $n) (i32.const 2)))
    (local.set $gstep (i32.shl (local.get $step) (i32.const 2)))
    (local.set $t (local.get $T))
    (block $done (loop $time
      (br_if $done (i32.le_s (local.get $t) (i32.const 0)))
      (local.set $t (i32.sub (local.get $t) (i32.const 1)))
      (local.set $o (i32.mul (local.get $t) (local.get $step)))
      (local.set $go (i32.mul (local.get $t) (local.get $gstep)))
      ;; dh = dOut_t + dhNext, and norms[t] = Σ dh²
      (f64.store (i32.add (local.get $norms) (i32.shl (local.get $t) (i32.const 3)))
        (call $add_sum_squares (local.get $dh) (i32.add (local.get $dOut) (local.get $o)) (local.get $dhNext) (local.get $n)))
      (call $lstm_backward (local.get $B) (local.get $H) (i32.add (local.get $dPre) (local.get $go)) (local.get $dh) (local.get $dc)
        (i32.add (local.get $gx) (local.get $go)) (i32.add (local.get $cs) (local.get $o)) (i32.add (local.get $tc) (local.get $o)))
      (if (local.get $db) (then
        (call $sum_rows (local.get $db) (i32.add (local.get $dPre) (local.get $go)) (local.get $B) (i32.shl (local.get $H) (i32.const 2)))))
      (if (local.get $S) (then
        (call $scatter_add_rows (local.get $S) (i32.add (local.get $dPre) (local.get $go))
          (i32.add (local.get $ids) (i32.shl (i32.mul (local.get $t) (local.get $B)) (i32.const 2))) (local.get $B) (i32.shl (local.get $H) (i32.const 2)))))
      (if (local.get $dX) (then
        (call $gemm_packed (local.get $B) (local.get $I) (i32.shl (local.get $H) (i32.const 2))
          (i32.add (local.get $dPre) (local.get $go)) (local.get $WxTp)
          (i32.add (local.get $dX) (i32.shl (i32.mul (i32.mul (local.get $t) (local.get $B)) (local.get $I)) (i32.const 2))) (i32.const 0))))
      (call $gemm_packed (local.get $B) (local.get $H) (i32.shl (local.get $H) (i32.const 2))
        (i32.add (local.get $dPre) (local.get $go)) (local.get $WTp) (local.get $dhNext) (i32.const 0))
      (br $time))))

  ;; ======================================================================= vanilla RNN time loop

  ;; The whole forward time loop of a vanilla RNN in one call (batch 1 pays a JS↔wasm
  ;; crossing per kernel per step otherwise): for t < T, pre_t += h_t·W_h, h_{t+1} = act(pre_t),
  ;; with pre [T·B×H] (x·W_x + b on entry) and hs [(T+1)·B×H] (hs_0 = the incoming state).
  ;; Wp ≠ 0: W_h packed by pack_b (K = N = H) at Wp, used instead of Wh (batches of 4 rows or more).
  (func (export "rnn_forward") (param $act i32) (param $T i32) (param $B i32) (param $H i32) (param $pre i32) (param $Wh i32) (param $hs i32) (param $Wp i32)
    (local $t i32) (local $step i32)
    (local.set $step (i32.shl (i32.mul (local.get $B) (local.get $H)) (i32.const 2)))
    (block $done (loop $time
      (br_if $done (i32.ge_s (local.get $t) (local.get $T)))
      (if (local.get $Wp)
        (then (call $gemm_packed (local.get $B) (local.get $H) (local.get $H) (local.get $hs) (local.get $Wp) (local.get $pre) (i32.const 1)))
        (else (call $gemm_nn (local.get $B) (local.get $H) (local.get $H) (local.get $hs) (local.get $Wh) (local.get $pre) (i32.const 1))))
      (local.set $hs (i32.add (local.get $hs) (local.get $step)))
      (call $act_forward (local.get $act) (local.get $hs) (local.get $pre) (i32.mul (local.get $B) (local.get $H)))
      (local.set $pre (i32.add (local.get $pre) (local.get $step)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $time))))

  ;; Its backward through time, t = T-1 … 0: dh = dOut_t + dhNext, norms[t] = ‖dh‖² (f64),
  ;; dPre_t = dh ⊙ act'(h_{t+1}), dhNext = dPre_t·W_hᵀ (zero on entry, ∂L/∂h_0 on exit).
  ;; dh [B×H] is scratch.
  ;; WTp ≠ 0: W_hᵀ packed by pack_b at WTp, used instead of Wh.
  (func (export "rnn_backward") (param $act i32) (param $T i32) (param $B i32) (param $H i32) (param $dOut i32) (param $hs i32) (param $Wh i32)
                                (param $dPre i32) (param $dh i32) (param $dhNext i32) (param $norms i32) (param $WTp i32)
    (local $t i32) (local $n i32) (local $step i32) (local $o i32) (local $i i32) (local $v v128)
    (local.set $n (i32.mul (local.get $B) (local.get $H)))
    (local.set $step (i32.shl (local.get $n) (i32.const 2)))
    (local.set $t (local.get $T))
    (block $done (loop $time
      (br_if $done (i32.le_s (local.get $t) (i32.const 0)))
      (local.set $t (i32.sub (local.get $t) (i32.const 1)))
      (local.set $o (i32.mul (local.get $t) (local.get $step)))
      ;; dh = dOut_t + dhNext, and norms[t] = Σ dh²
      (f64.store (i32.add (local.get $norms) (i32.shl (local.get $t) (i32.const 3)))
        (call $add_sum_squares (local.get $dh) (i32.add (local.get $dOut) (local.get $o)) (local.get $dhNext) (local.get $n)))
      (call $act_backward (local.get $act) (i32.add (local.get $dPre) (local.get $o)) (local.get $dh)
        (i32.add (local.get $hs) (i32.add (local.get $o) (local.get $step))) (local.get $n) (i32.const 0))
      (if (local.get $WTp)
        (then (call $gemm_packed (local.get $B) (local.get $H) (local.get $H) (i32.add (local.get $dPre) (local.get $o)) (local.get $WTp) (local.get $dhNext) (i32.const 0)))
        (else (call $gemm_nt (local.get $B) (local.get $H) (local.get $H) (i32.add (local.get $dPre) (local.get $o)) (local.get $Wh) (local.get $dhNext) (i32.const 0))))
      (br $time))))

  ;; ======================================================================= GRU cell


  ;; Per row: r, z = σ(gx + gh) and n = tanh(gx_n + r⊙gh_n), written over gx in place, then
  ;; h = (1-z)⊙n + z⊙hPrev.
  (func (export "gru_forward") (param $B i32) (param $H i32) (param $gx i32) (param $gh i32) (param $hp i32) (param $h i32)
    (local $b i32) (local $j i32) (local $H4 i32) (local $px i32) (local $py i32) (local $ps i32) (local $n i32) (local $nb i32) (local $o i32)
    (local $z v128) (local $v v128)
    (local.set $H4 (i32.shl (local.get $H) (i32.const 2)))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $b) (local.get $B)))
      (local.set $px (i32.add (local.get $gx) (i32.mul (local.get $b) (i32.mul (local.get $H4) (i32.const 3)))))
      (local.set $py (i32.add (local.get $gh) (i32.mul (local.get $b) (i32.mul (local.get $H4) (i32.const 3)))))
      (local.set $ps (i32.mul (local.get $b) (local.get $H4)))
      ;; r|z pre-activations gx + gh (2H values), then σ
      (local.set $n (i32.shl (local.get $H) (i32.const 1)))
      (local.set $j (i32.const 0))
      (block $d1 (loop $l1
        (br_if $d1 (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (local.set $v (f32x4.add (v128.load (i32.add (local.get $px) (local.get $o))) (v128.load (i32.add (local.get $py) (local.get $o)))))
        (if (i32.ge_s (i32.sub (local.get $n) (local.get $j)) (i32.const 4))
          (then (v128.store (i32.add (local.get $px) (local.get $o)) (local.get $v)))
          (else (call $store (i32.add (local.get $px) (local.get $o)) (local.get $v) (i32.sub (local.get $n) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l1)))
      (call $tanh_n (local.get $px) (local.get $px) (local.get $n) (f32.const 0.5) (f32.const 0.5) (f32.const 0.5))
      ;; n pre-activation gx_n + r⊙gh_n (nb = byte offset of the n block), then tanh
      (local.set $nb (i32.shl (local.get $H4) (i32.const 1)))
      (local.set $j (i32.const 0))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_s (local.get $j) (local.get $H)))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (local.set $v (f32x4.relaxed_madd (v128.load (i32.add (local.get $px) (local.get $o)))
          (v128.load (i32.add (local.get $py) (i32.add (local.get $nb) (local.get $o))))
          (v128.load (i32.add (local.get $px) (i32.add (local.get $nb) (local.get $o))))))
        (if (i32.ge_s (i32.sub (local.get $H) (local.get $j)) (i32.const 4))
          (then (v128.store (i32.add (local.get $px) (i32.add (local.get $nb) (local.get $o))) (local.get $v)))
          (else (call $store (i32.add (local.get $px) (i32.add (local.get $nb) (local.get $o))) (local.get $v) (i32.sub (local.get $H) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l2)))
      (local.set $o (i32.add (local.get $px) (i32.shl (local.get $H4) (i32.const 1))))
      (call $tanh_n (local.get $o) (local.get $o) (local.get $H) (f32.const 1) (f32.const 1) (f32.const 0))
      ;; h = (1-z)⊙n + z⊙hPrev
      (local.set $j (i32.const 0))
      (block $d3 (loop $l3
        (br_if $d3 (i32.ge_s (local.get $j) (local.get $H)))
        (local.set $o (i32.add (local.get $px) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $z (v128.load (i32.add (local.get $o) (local.get $H4))))
        (local.set $v (f32x4.add
          (f32x4.mul (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $z)) (v128.load (i32.add (local.get $o) (i32.shl (local.get $H4) (i32.const 1)))))
          (f32x4.mul (local.get $z) (v128.load (i32.add (local.get $hp) (i32.add (local.get $ps) (i32.shl (local.get $j) (i32.const 2))))))))
        (local.set $o (i32.add (local.get $h) (i32.add (local.get $ps) (i32.shl (local.get $j) (i32.const 2)))))
        (if (i32.ge_s (i32.sub (local.get $H) (local.get $j)) (i32.const 4))
          (then (v128.store (local.get $o) (local.get $v)))
          (else (call $store (local.get $o) (local.get $v) (i32.sub (local.get $H) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l3)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $rows))))

  (func $gru_bwd4 (param $dgx i32) (param $dgh i32) (param $dhp i32) (param $dh i32) (param $rzn i32) (param $gh i32) (param $hp i32) (param $H4 i32) (param $n i32)
    (local $st v128)
    (local $r v128) (local $z v128) (local $nn v128) (local $dhv v128) (local $dn v128) (local $dz v128) (local $dr v128)
    (local.set $r (v128.load (local.get $rzn)))
    (local.set $z (v128.load (i32.add (local.get $rzn) (local.get $H4))))
    (local.set $nn (v128.load (i32.add (local.get $rzn) (i32.shl (local.get $H4) (i32.const 1)))))
    (local.set $dhv (v128.load (local.get $dh)))
    (local.set $dn (f32x4.mul (f32x4.mul (local.get $dhv) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $z)))
      (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $nn) (local.get $nn)))))
    (local.set $dz (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dhv) (f32x4.sub (v128.load (local.get $hp)) (local.get $nn))) (local.get $z))
      (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $z))))
    (local.set $dr (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dn) (v128.load (i32.add (local.get $gh) (i32.shl (local.get $H4) (i32.const 1))))) (local.get $r))
      (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $r))))
    (local.set $st (local.get $dr))
    (if (i32.ge_s (local.get $n) (i32.const 4)) (then (v128.store (local.get $dgx) (local.get $st))) (else (call $store (local.get $dgx) (local.get $st) (local.get $n))))
    (local.set $st (local.get $dz))
    (if (i32.ge_s (local.get $n) (i32.const 4)) (then (v128.store (i32.add (local.get $dgx) (local.get $H4)) (local.get $st))) (else (call $store (i32.add (local.get $dgx) (local.get $H4)) (local.get $st) (local.get $n))))
    (local.set $st (local.get $dn))
    (if (i32.ge_s (local.get $n) (i32.const 4)) (then (v128.store (i32.add (local.get $dgx) (i32.shl (local.get $H4) (i32.const 1))) (local.get $st))) (else (call $store (i32.add (local.get $dgx) (i32.shl (local.get $H4) (i32.const 1))) (local.get $st) (local.get $n))))
    (local.set $st (local.get $dr))
    (if (i32.ge_s (local.get $n) (i32.const 4)) (then (v128.store (local.get $dgh) (local.get $st))) (else (call $store (local.get $dgh) (local.get $st) (local.get $n))))
    (local.set $st (local.get $dz))
    (if (i32.ge_s (local.get $n) (i32.const 4)) (then (v128.store (i32.add (local.get $dgh) (local.get $H4)) (local.get $st))) (else (call $store (i32.add (local.get $dgh) (local.get $H4)) (local.get $st) (local.get $n))))
    (local.set $st (f32x4.mul (local.get $dn) (local.get $r)))
    (if (i32.ge_s (local.get $n) (i32.const 4)) (then (v128.store (i32.add (local.get $dgh) (i32.shl (local.get $H4) (i32.const 1))) (local.get $st))) (else (call $store (i32.add (local.get $dgh) (i32.shl (local.get $H4) (i32.const 1))) (local.get $st) (local.get $n))))
    (local.set $st (f32x4.mul (local.get $dhv) (local.get $z)))
    (if (i32.ge_s (local.get $n) (i32.const 4)) (then (v128.store (local.get $dhp) (local.get $st))) (else (call $store (local.get $dhp) (local.get $st) (local.get $n)))))

  (func (export "gru_backward") (param $B i32) (param $H i32) (param $dgx i32) (param $dgh i32) (param $dhp i32) (param $dh i32) (param $rzn i32) (param $gh i32) (param $hp i32)
    (local $b i32) (local $j i32) (local $H4 i32) (local $grow i32) (local $srow i32) (local $o i32) (local $go i32) (local $so i32)
    (local $qdgx i32) (local $qdgh i32) (local $qdhp i32) (local $qdh i32) (local $qrzn i32) (local $qgh i32) (local $qhp i32)
    (local $st v128) (local $rv v128) (local $z v128) (local $nn v128) (local $dhv v128) (local $dn v128) (local $dz v128) (local $dr v128)
    (local.set $H4 (i32.shl (local.get $H) (i32.const 2)))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $b) (local.get $B)))
      (local.set $grow (i32.mul (i32.mul (local.get $b) (local.get $H)) (i32.const 12)))
      (local.set $srow (i32.shl (i32.mul (local.get $b) (local.get $H)) (i32.const 2)))
      (local.set $j (i32.const 0))
      (block $jd (loop $units
        (br_if $jd (i32.ge_s (local.get $j) (local.get $H)))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (local.set $go (i32.add (local.get $grow) (local.get $o)))
        (local.set $so (i32.add (local.get $srow) (local.get $o)))
        (if (i32.ge_s (i32.sub (local.get $H) (local.get $j)) (i32.const 4)) (then
          ;; a whole vector inline (the call below is for the last partial one)
          (local.set $qdgx (i32.add (local.get $dgx) (local.get $go))) (local.set $qdgh (i32.add (local.get $dgh) (local.get $go)))
          (local.set $qdhp (i32.add (local.get $dhp) (local.get $so))) (local.set $qdh (i32.add (local.get $dh) (local.get $so)))
          (local.set $qrzn (i32.add (local.get $rzn) (local.get $go))) (local.set $qgh (i32.add (local.get $gh) (local.get $go)))
          (local.set $qhp (i32.add (local.get $hp) (local.get $so)))
          (local.set $rv (v128.load (local.get $qrzn)))
          (local.set $z (v128.load (i32.add (local.get $qrzn) (local.get $H4))))
          (local.set $nn (v128.load (i32.add (local.get $qrzn) (i32.shl (local.get $H4) (i32.const 1)))))
          (local.set $dhv (v128.load (local.get $qdh)))
          (local.set $dn (f32x4.mul (f32x4.mul (local.get $dhv) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $z)))
          (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $nn) (local.get $nn)))))
          (local.set $dz (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dhv) (f32x4.sub (v128.load (local.get $qhp)) (local.get $nn))) (local.get $z))
          (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $z))))
          (local.set $dr (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dn) (v128.load (i32.add (local.get $qgh) (i32.shl (local.get $H4) (i32.const 1))))) (local.get $rv))
          (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $rv))))
          (local.set $st (local.get $dr))
          (v128.store (local.get $qdgx) (local.get $st))
          (local.set $st (local.get $dz))
          (v128.store (i32.add (local.get $qdgx) (local.get $H4)) (local.get $st))
          (local.set $st (local.get $dn))
          (v128.store (i32.add (local.get $qdgx) (i32.shl (local.get $H4) (i32.const 1))) (local.get $st))
          (local.set $st (local.get $dr))
          (v128.store (local.get $qdgh) (local.get $st))
          (local.set $st (local.get $dz))
          (v128.store (i32.add (local.get $qdgh) (local.get $H4)) (local.get $st))
          (local.set $st (f32x4.mul (local.get $dn) (local.get $rv)))
          (v128.store (i32.add (local.get $qdgh) (i32.shl (local.get $H4) (i32.const 1))) (local.get $st))
          (local.set $st (f32x4.mul (local.get $dhv) (local.get $z)))
          (v128.store (local.get $qdhp) (local.get $st))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $units)))
        (call $gru_bwd4
          (i32.add (local.get $dgx) (local.get $go)) (i32.add (local.get $dgh) (local.get $go))
          (i32.add (local.get $dhp) (local.get $so)) (i32.add (local.get $dh) (local.get $so))
          (i32.add (local.get $rzn) (local.get $go)) (i32.add (local.get $gh) (local.get $go))
          (i32.add (local.get $hp) (local.get $so)) (local.get $H4) (i32.sub (local.get $H) (local.get $j)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $units)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $rows))))

  ;; ======================================================================= layer norm

  ;; Per row: x̂ = (x-μ)/σ, σ = √(var + 1e-5); y (+)= γ⊙x̂ + β; rstd[r] = 1/σ.
  (func (export "layernorm_forward") (param $rows i32) (param $cols i32) (param $y i32) (param $xhat i32) (param $rstd i32)
                                     (param $x i32) (param $gamma i32) (param $beta i32) (param $acc i32)
    (local $st v128)
    (local $r i32) (local $j i32) (local $o i32) (local $row i32) (local $sum v128) (local $d v128) (local $m v128)
    (local $mean f32) (local $s f32) (local $meanv v128) (local $sv v128) (local $v v128)
    (block $done (loop $rowl
      (br_if $done (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $row (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 2)))
      ;; mean
      (local.set $sum (v128.const i64x2 0 0))
      (local.set $j (i32.const 0))
      (block $d1 (loop $l1
        (br_if $d1 (i32.ge_s (local.get $j) (local.get $cols)))
        (local.set $sum (f32x4.add (local.get $sum) (v128.and
          (v128.load (i32.add (local.get $x) (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
          (i32x4.gt_s (i32x4.splat (i32.sub (local.get $cols) (local.get $j))) (v128.const i32x4 0 1 2 3)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l1)))
      (local.set $mean (f32.div (call $hsum (local.get $sum)) (f32.convert_i32_s (local.get $cols))))
      (local.set $meanv (f32x4.splat (local.get $mean)))
      ;; variance
      (local.set $sum (v128.const i64x2 0 0))
      (local.set $j (i32.const 0))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_s (local.get $j) (local.get $cols)))
        (local.set $d (v128.and
          (f32x4.sub (v128.load (i32.add (local.get $x) (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))) (local.get $meanv))
          (i32x4.gt_s (i32x4.splat (i32.sub (local.get $cols) (local.get $j))) (v128.const i32x4 0 1 2 3))))
        (local.set $sum (f32x4.relaxed_madd (local.get $d) (local.get $d) (local.get $sum)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l2)))
      (local.set $s (f32.div (f32.const 1)
        (f32.sqrt (f32.add (f32.div (call $hsum (local.get $sum)) (f32.convert_i32_s (local.get $cols))) (f32.const 1e-5)))))
      (f32.store (i32.add (local.get $rstd) (i32.shl (local.get $r) (i32.const 2))) (local.get $s))
      (local.set $sv (f32x4.splat (local.get $s)))
      ;; x̂ and y
      (local.set $j (i32.const 0))
      (block $d3 (loop $l3
        (br_if $d3 (i32.ge_s (local.get $j) (local.get $cols)))
        (local.set $o (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $d (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $o))) (local.get $meanv)) (local.get $sv)))
        (local.set $st (local.get $d))
        (if (i32.ge_s (i32.sub (local.get $cols) (local.get $j)) (i32.const 4)) (then (v128.store (i32.add (local.get $xhat) (local.get $o)) (local.get $st))) (else (call $store (i32.add (local.get $xhat) (local.get $o)) (local.get $st) (i32.sub (local.get $cols) (local.get $j)))))
        (local.set $v (f32x4.relaxed_madd (v128.load (i32.add (local.get $gamma) (i32.shl (local.get $j) (i32.const 2)))) (local.get $d)
          (v128.load (i32.add (local.get $beta) (i32.shl (local.get $j) (i32.const 2))))))
        (if (local.get $acc) (then (local.set $v (f32x4.add (local.get $v) (v128.load (i32.add (local.get $y) (local.get $o)))))))
        (local.set $st (local.get $v))
        (if (i32.ge_s (i32.sub (local.get $cols) (local.get $j)) (i32.const 4)) (then (v128.store (i32.add (local.get $y) (local.get $o)) (local.get $st))) (else (call $store (i32.add (local.get $y) (local.get $o)) (local.get $st) (i32.sub (local.get $cols) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l3)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowl))))

  ;; dx = (1/σ)·(γ⊙dy - mean(γ⊙dy) - x̂·mean(γ⊙dy⊙x̂)); dγ += Σ dy⊙x̂; dβ += Σ dy
  (func (export "layernorm_backward") (param $rows i32) (param $cols i32) (param $dx i32) (param $dgamma i32) (param $dbeta i32)
                                      (param $dy i32) (param $xhat i32) (param $rstd i32) (param $gamma i32)
    (local $st v128)
    (local $r i32) (local $j i32) (local $o i32) (local $row i32) (local $k i32) (local $mk v128)
    (local $sd v128) (local $sdx v128) (local $dyv v128) (local $xv v128) (local $d v128) (local $md v128) (local $mdx v128) (local $s v128)
    (block $done (loop $rowl
      (br_if $done (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $row (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 2)))
      (local.set $sd (v128.const i64x2 0 0))
      (local.set $sdx (v128.const i64x2 0 0))
      (local.set $j (i32.const 0))
      (block $d1 (loop $l1
        (br_if $d1 (i32.ge_s (local.get $j) (local.get $cols)))
        (local.set $o (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $k (i32.shl (local.get $j) (i32.const 2)))
        (local.set $mk (i32x4.gt_s (i32x4.splat (i32.sub (local.get $cols) (local.get $j))) (v128.const i32x4 0 1 2 3)))
        (local.set $dyv (v128.and (v128.load (i32.add (local.get $dy) (local.get $o))) (local.get $mk)))
        (local.set $xv (v128.and (v128.load (i32.add (local.get $xhat) (local.get $o))) (local.get $mk)))
        (local.set $d (f32x4.mul (v128.load (i32.add (local.get $gamma) (local.get $k))) (local.get $dyv)))
        (local.set $sd (f32x4.add (local.get $sd) (local.get $d)))
        (local.set $sdx (f32x4.relaxed_madd (local.get $d) (local.get $xv) (local.get $sdx)))
        (local.set $st (f32x4.relaxed_madd (local.get $dyv) (local.get $xv) (v128.load (i32.add (local.get $dgamma) (local.get $k)))))
        (if (i32.ge_s (i32.sub (local.get $cols) (local.get $j)) (i32.const 4)) (then (v128.store (i32.add (local.get $dgamma) (local.get $k)) (local.get $st))) (else (call $store (i32.add (local.get $dgamma) (local.get $k)) (local.get $st) (i32.sub (local.get $cols) (local.get $j)))))
        (local.set $st (f32x4.add (local.get $dyv) (v128.load (i32.add (local.get $dbeta) (local.get $k)))))
        (if (i32.ge_s (i32.sub (local.get $cols) (local.get $j)) (i32.const 4)) (then (v128.store (i32.add (local.get $dbeta) (local.get $k)) (local.get $st))) (else (call $store (i32.add (local.get $dbeta) (local.get $k)) (local.get $st) (i32.sub (local.get $cols) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l1)))
      (local.set $md (f32x4.splat (f32.div (call $hsum (local.get $sd)) (f32.convert_i32_s (local.get $cols)))))
      (local.set $mdx (f32x4.splat (f32.div (call $hsum (local.get $sdx)) (f32.convert_i32_s (local.get $cols)))))
      (local.set $s (v128.load32_splat (i32.add (local.get $rstd) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $j (i32.const 0))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_s (local.get $j) (local.get $cols)))
        (local.set $o (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $st (f32x4.mul (local.get $s)
            (f32x4.sub
              (f32x4.sub (f32x4.mul (v128.load (i32.add (local.get $gamma) (i32.shl (local.get $j) (i32.const 2)))) (v128.load (i32.add (local.get $dy) (local.get $o))))
                (local.get $md))
              (f32x4.mul (v128.load (i32.add (local.get $xhat) (local.get $o))) (local.get $mdx)))))
        (if (i32.ge_s (i32.sub (local.get $cols) (local.get $j)) (i32.const 4)) (then (v128.store (i32.add (local.get $dx) (local.get $o)) (local.get $st))) (else (call $store (i32.add (local.get $dx) (local.get $o)) (local.get $st) (i32.sub (local.get $cols) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l2)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowl))))

  ;; ======================================================================= loss

  ;; Softmax cross-entropy, all but the logarithm: for each row with target ≥ 0,
  ;; dlogits = scale·(softmax - onehot), stats[2r] = max, stats[2r+1] = Σ exp(x - max);
  ;; rows with target < 0 get dlogits 0 and stats (0, 1). The caller adds
  ;; log(stats[2r+1]) + stats[2r] - logits[target] per row (in f64).
  (func (export "softmax_xent") (param $rows i32) (param $cols i32) (param $logits i32) (param $targets i32) (param $d i32) (param $scale f32) (param $stats i32)
    (local $r i32) (local $j i32) (local $t i32) (local $row i32) (local $p i32) (local $q i32) (local $full i32) (local $rest i32)
    (local $mx v128) (local $m f32) (local $mv v128) (local $sum v128) (local $e v128) (local $s f32) (local $fv v128) (local $tailmask v128)
    (local $ninf v128) (local $hi v128) (local $lo v128) (local $log2e v128) (local $magic v128) (local $ln2hi v128) (local $ln2lo v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128) (local $one v128) (local $bias v128)
    (local.set $ninf (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $hi (v128.const f32x4 88.3 88.3 88.3 88.3))
    (local.set $lo (v128.const f32x4 -87.3 -87.3 -87.3 -87.3))
    (local.set $log2e (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))
    ;; 1.5·2²³: adding it rounds to an integer (ties to even) that sits in the low mantissa bits
    (local.set $magic (v128.const f32x4 12582912 12582912 12582912 12582912))
    (local.set $ln2hi (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))
    (local.set $ln2lo (v128.const f32x4 2.12194440e-4 2.12194440e-4 2.12194440e-4 2.12194440e-4))
    (local.set $c0 (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $c1 (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3))
    (local.set $c2 (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3))
    (local.set $c3 (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2))
    (local.set $c4 (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1))
    (local.set $c5 (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1))
    (local.set $one (v128.const f32x4 1 1 1 1))
    ;; the exponent bias (127) minus the magic number's bits, as one integer add
    (local.set $bias (i32x4.sub (v128.const i32x4 127 127 127 127) (local.get $magic)))
    (local.set $full (i32.and (local.get $cols) (i32.const -4)))
    (local.set $rest (i32.sub (local.get $cols) (local.get $full)))
    (local.set $tailmask (call $mask (local.get $rest)))
    (block $done (loop $rowl
      (br_if $done (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $row (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 2)))
      (local.set $t (i32.load (i32.add (local.get $targets) (i32.shl (local.get $r) (i32.const 2)))))
      (if (i32.lt_s (local.get $t) (i32.const 0))
        (then
          (call $zero (i32.add (local.get $d) (local.get $row)) (local.get $cols))
          (f32.store (i32.add (local.get $stats) (i32.shl (local.get $r) (i32.const 3))) (f32.const 0))
          (f32.store offset=4 (i32.add (local.get $stats) (i32.shl (local.get $r) (i32.const 3))) (f32.const 1)))
        (else
          ;; max over the row (the partial last vector masked to -inf)
          (local.set $mx (local.get $ninf))
          (local.set $p (i32.add (local.get $logits) (local.get $row)))
          (local.set $j (i32.const 0))
          (block $d1 (loop $l1
            (br_if $d1 (i32.ge_s (local.get $j) (local.get $full)))
            (local.set $mx (f32x4.max (local.get $mx) (v128.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $l1)))
          (if (local.get $rest) (then
            (local.set $mx (f32x4.max (local.get $mx) (v128.bitselect (v128.load (local.get $p)) (local.get $ninf) (local.get $tailmask))))))
          (local.set $m (call $hmax (local.get $mx)))
          (local.set $mv (f32x4.splat (local.get $m)))
          ;; e = exp(x - max) into d, summed: Cody–Waite range reduction x = n·ln2 + r (n rounded by
          ;; the magic-number add), the Cephes expf polynomial (≈1 ulp), 2ⁿ built in the exponent
          ;; bits; x clamped to [-87.3, 88.3] so 2ⁿ stays a normal float
          (local.set $sum (v128.const i64x2 0 0))
          (local.set $p (i32.add (local.get $logits) (local.get $row)))
          (local.set $q (i32.add (local.get $d) (local.get $row)))
          (local.set $j (i32.const 0))
          (block $d2 (loop $l2
            (br_if $d2 (i32.ge_s (local.get $j) (local.get $cols)))
            (local.set $e (f32x4.sub (v128.load (local.get $p)) (local.get $mv)))
            (local.set $e (f32x4.max (f32x4.min (local.get $e) (local.get $hi)) (local.get $lo)))
            (local.set $fv (f32x4.relaxed_madd (local.get $e) (local.get $log2e) (local.get $magic)))
            (local.set $mx (f32x4.sub (local.get $fv) (local.get $magic)))
            ;; r = x - n·ln2, in two parts
            (local.set $e (f32x4.relaxed_madd (local.get $mx) (local.get $ln2lo)
              (f32x4.sub (local.get $e) (f32x4.mul (local.get $mx) (local.get $ln2hi)))))
            (local.set $mx (f32x4.relaxed_madd (local.get $c0) (local.get $e) (local.get $c1)))
            (local.set $mx (f32x4.relaxed_madd (local.get $mx) (local.get $e) (local.get $c2)))
            (local.set $mx (f32x4.relaxed_madd (local.get $mx) (local.get $e) (local.get $c3)))
            (local.set $mx (f32x4.relaxed_madd (local.get $mx) (local.get $e) (local.get $c4)))
            (local.set $mx (f32x4.relaxed_madd (local.get $mx) (local.get $e) (local.get $c5)))
            (local.set $mx (f32x4.add
              (f32x4.relaxed_madd (local.get $mx) (f32x4.mul (local.get $e) (local.get $e)) (local.get $e))
              (local.get $one)))
            (local.set $e (f32x4.mul (local.get $mx)
              (i32x4.shl (i32x4.add (local.get $fv) (local.get $bias)) (i32.const 23))))
            (if (i32.lt_s (i32.sub (local.get $cols) (local.get $j)) (i32.const 4))
              (then
                (local.set $e (v128.and (local.get $e) (local.get $tailmask)))
                (call $store (local.get $q) (local.get $e) (local.get $rest)))
              (else (v128.store (local.get $q) (local.get $e))))
            (local.set $sum (f32x4.add (local.get $sum) (local.get $e)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $l2)))
          (local.set $s (call $hsum (local.get $sum)))
          (local.set $fv (f32x4.splat (f32.div (local.get $scale) (local.get $s))))
          ;; d = scale·softmax, then - scale at the target
          (local.set $q (i32.add (local.get $d) (local.get $row)))
          (local.set $j (i32.const 0))
          (block $d3 (loop $l3
            (br_if $d3 (i32.ge_s (local.get $j) (local.get $full)))
            (v128.store (local.get $q) (f32x4.mul (v128.load (local.get $q)) (local.get $fv)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $l3)))
          (if (local.get $rest) (then
            (call $store (local.get $q) (f32x4.mul (v128.load (local.get $q)) (local.get $fv)) (local.get $rest))))
          (local.set $q (i32.add (local.get $d) (i32.add (local.get $row) (i32.shl (local.get $t) (i32.const 2)))))
          (f32.store (local.get $q) (f32.sub (f32.load (local.get $q)) (local.get $scale)))
          (f32.store (i32.add (local.get $stats) (i32.shl (local.get $r) (i32.const 3))) (local.get $m))
          (f32.store offset=4 (i32.add (local.get $stats) (i32.shl (local.get $r) (i32.const 3))) (local.get $s))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowl))))

  ;; Rows whose (first) argmax equals the target; rows with target < 0 are skipped.
  (func (export "count_correct") (param $rows i32) (param $cols i32) (param $logits i32) (param $targets i32) (result i32)
    (local $r i32) (local $j i32) (local $t i32) (local $row i32) (local $best i32) (local $bv f32) (local $v f32) (local $count i32)
    (block $done (loop $rowl
      (br_if $done (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $t (i32.load (i32.add (local.get $targets) (i32.shl (local.get $r) (i32.const 2)))))
      (if (i32.ge_s (local.get $t) (i32.const 0)) (then
        (local.set $row (i32.add (local.get $logits) (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 2))))
        (local.set $best (i32.const 0))
        (local.set $bv (f32.load (local.get $row)))
        (local.set $j (i32.const 1))
        (block $cd (loop $cl
          (br_if $cd (i32.ge_s (local.get $j) (local.get $cols)))
          (local.set $v (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
          (if (f32.gt (local.get $v) (local.get $bv)) (then (local.set $bv (local.get $v)) (local.set $best (local.get $j))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $cl)))
        (if (i32.eq (local.get $best) (local.get $t)) (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowl)))
    (local.get $count))

  ;; ======================================================================= optimizers

  ;; w -= lr·g
  (func (export "sgd_step") (param $w i32) (param $g i32) (param $lr f32) (param $n i32)
    (local $st v128)
    (local $i i32) (local $l v128)
    (local.set $l (f32x4.splat (f32.neg (local.get $lr))))
    (block $done (loop $e
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $st (f32x4.relaxed_madd (local.get $l) (v128.load (local.get $g)) (v128.load (local.get $w))))
      (if (i32.ge_s (i32.sub (local.get $n) (local.get $i)) (i32.const 4)) (then (v128.store (local.get $w) (local.get $st))) (else (call $store (local.get $w) (local.get $st) (i32.sub (local.get $n) (local.get $i)))))
      (local.set $w (i32.add (local.get $w) (i32.const 16)))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $e))))

  ;; v = μ·v + g; w -= lr·v
  (func (export "momentum_step") (param $w i32) (param $g i32) (param $v i32) (param $lr f32) (param $mu f32) (param $n i32)
    (local $st v128)
    (local $i i32) (local $l v128) (local $m v128) (local $vv v128) (local $k i32)
    (local.set $l (f32x4.splat (f32.neg (local.get $lr))))
    (local.set $m (f32x4.splat (local.get $mu)))
    (block $done (loop $e
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $k (i32.sub (local.get $n) (local.get $i)))
      (local.set $vv (f32x4.relaxed_madd (local.get $m) (v128.load (local.get $v)) (v128.load (local.get $g))))
      (local.set $st (local.get $vv))
      (if (i32.ge_s (local.get $k) (i32.const 4)) (then (v128.store (local.get $v) (local.get $st))) (else (call $store (local.get $v) (local.get $st) (local.get $k))))
      (local.set $st (f32x4.relaxed_madd (local.get $l) (local.get $vv) (v128.load (local.get $w))))
      (if (i32.ge_s (local.get $k) (i32.const 4)) (then (v128.store (local.get $w) (local.get $st))) (else (call $store (local.get $w) (local.get $st) (local.get $k))))
      (local.set $w (i32.add (local.get $w) (i32.const 16)))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $v (i32.add (local.get $v) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $e))))

  ;; mem += g²; w -= lr·g/√(mem + eps)
  (func (export "adagrad_step") (param $w i32) (param $g i32) (param $mem i32) (param $lr f32) (param $eps f32) (param $n i32)
    (local $st v128)
    (local $i i32) (local $l v128) (local $ev v128) (local $gv v128) (local $mv v128) (local $k i32)
    (local.set $l (f32x4.splat (local.get $lr)))
    (local.set $ev (f32x4.splat (local.get $eps)))
    (block $done (loop $e
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $k (i32.sub (local.get $n) (local.get $i)))
      (local.set $gv (v128.load (local.get $g)))
      (local.set $mv (f32x4.relaxed_madd (local.get $gv) (local.get $gv) (v128.load (local.get $mem))))
      (local.set $st (local.get $mv))
      (if (i32.ge_s (local.get $k) (i32.const 4)) (then (v128.store (local.get $mem) (local.get $st))) (else (call $store (local.get $mem) (local.get $st) (local.get $k))))
      (local.set $st (f32x4.sub (v128.load (local.get $w))
          (f32x4.div (f32x4.mul (local.get $l) (local.get $gv)) (f32x4.sqrt (f32x4.add (local.get $mv) (local.get $ev))))))
        (if (i32.ge_s (local.get $k) (i32.const 4)) (then (v128.store (local.get $w) (local.get $st))) (else (call $store (local.get $w) (local.get $st) (local.get $k))))
      (local.set $w (i32.add (local.get $w) (i32.const 16)))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $mem (i32.add (local.get $mem) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $e))))

  ;; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; w -= stepSize·m/(√v/rootBc2 + eps).
  ;; 1-β1 and 1-β2 come from the caller, computed in f64: 1 - f32(0.999) is 0.00099998713,
  ;; which would make every early step 6.6e-6 too large.
  (func (export "adam_step") (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
                             (param $stepSize f32) (param $beta1 f32) (param $beta2 f32) (param $eps f32) (param $rootBc2 f32)
                             (param $oneMinusBeta1 f32) (param $oneMinusBeta2 f32)
    (local $st v128)
    (local $i i32) (local $k i32) (local $b1 v128) (local $c1 v128) (local $b2 v128) (local $c2 v128) (local $ss v128) (local $ev v128) (local $rb v128)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local.set $b1 (f32x4.splat (local.get $beta1)))
    (local.set $c1 (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $b2 (f32x4.splat (local.get $beta2)))
    (local.set $c2 (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $ss (f32x4.splat (local.get $stepSize)))
    (local.set $ev (f32x4.splat (local.get $eps)))
    (local.set $rb (f32x4.splat (local.get $rootBc2)))
    (block $done (loop $e
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $k (i32.sub (local.get $n) (local.get $i)))
      (local.set $gv (v128.load (local.get $g)))
      (local.set $mv (f32x4.add (f32x4.mul (local.get $b1) (v128.load (local.get $m))) (f32x4.mul (local.get $c1) (local.get $gv))))
      (local.set $vv (f32x4.add (f32x4.mul (local.get $b2) (v128.load (local.get $v))) (f32x4.mul (f32x4.mul (local.get $c2) (local.get $gv)) (local.get $gv))))
      (local.set $st (local.get $mv))
      (if (i32.ge_s (local.get $k) (i32.const 4)) (then (v128.store (local.get $m) (local.get $st))) (else (call $store (local.get $m) (local.get $st) (local.get $k))))
      (local.set $st (local.get $vv))
      (if (i32.ge_s (local.get $k) (i32.const 4)) (then (v128.store (local.get $v) (local.get $st))) (else (call $store (local.get $v) (local.get $st) (local.get $k))))
      (local.set $st (f32x4.sub (v128.load (local.get $w))
          (f32x4.div (f32x4.mul (local.get $ss) (local.get $mv))
            (f32x4.add (f32x4.div (f32x4.sqrt (local.get $vv)) (local.get $rb)) (local.get $ev)))))
        (if (i32.ge_s (local.get $k) (i32.const 4)) (then (v128.store (local.get $w) (local.get $st))) (else (call $store (local.get $w) (local.get $st) (local.get $k))))
      (local.set $w (i32.add (local.get $w) (i32.const 16)))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $m (i32.add (local.get $m) (i32.const 16)))
      (local.set $v (i32.add (local.get $v) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $e))))
)
