/**
 * GF(2^8) arithmetic (polynomial 0x11D), matrices over it, and the two systematic generator matrices
 * (ISA-L/Hadoop Cauchy and Backblaze/klauspost Vandermonde). Pure functions and immutable values; depends
 * on the JDK only — no kernels, no threads.
 */
package dev.weft.ec.gf;
