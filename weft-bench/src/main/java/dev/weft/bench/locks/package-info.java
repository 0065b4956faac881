/**
 * {@code weft bench locks}: {@link dev.weft.analysis.lock.BargingLock} against {@code synchronized} and
 * {@link java.util.concurrent.locks.ReentrantLock} (fair and unfair) — throughput, fairness and tail wait,
 * uncontended and contended, on platform and virtual threads — plus a JMH benchmark of the uncontended
 * lock/unlock pair.
 *
 * <p>The threads here are the thing being measured (how many contend, and of which kind), so each run
 * starts its own and joins them; nothing else here starts threads, and nothing in weft depends on this.
 */
package dev.weft.bench.locks;
