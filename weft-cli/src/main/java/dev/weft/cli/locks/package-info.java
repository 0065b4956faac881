/**
 * The locks' part of {@code weft demo}: a shared histogram filled from every pool thread under one
 * {@link dev.weft.analysis.lock.BargingLock}, the 1 ms hand-off seen from outside, and two-lock transfers
 * with {@link dev.weft.analysis.lock.LockPair}. Uses the shared pool from the CLI context; depends on
 * weft-analysis's lock package and the runtime only.
 */
package dev.weft.cli.locks;
