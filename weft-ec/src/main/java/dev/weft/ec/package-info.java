/**
 * weft-ec: Reed–Solomon erasure coding. Subpackages: {@code gf} (field and matrices), {@code kernel}
 * (scalar and Vector API kernels), {@code isal} (optional ISA-L binding via FFM), {@code codec} (the
 * codec and its parallel striping), {@code files} (shard files and their manifest), {@code dataset}
 * (erasure-coded datasets over a content-addressed block store). Depends on weft-runtime and Jackson only.
 */
package dev.weft.ec;
