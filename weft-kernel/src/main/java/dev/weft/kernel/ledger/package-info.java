/**
 * The ledger workload: transfers between accounts with adjustable busy work, jobs that emit an effect, their
 * computation, and a deterministic generator. An application of the kernel's API; depends on
 * {@code machine} and {@code effect} only.
 */
package dev.weft.kernel.ledger;
