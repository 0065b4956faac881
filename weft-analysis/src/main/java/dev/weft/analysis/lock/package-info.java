/**
 * Locks with the free-threaded interpreter's policy: {@link dev.weft.analysis.lock.BargingLock} keeps its
 * whole state in one int (locked, has-parked and hand-off bits), spins briefly, then parks in a shared
 * side table ({@code ParkingLot}, after WebKit's ParkingLot and CPython's {@code PyMutex}); newcomers barge,
 * but a waiter that has waited at least 1 ms is handed the lock directly. Also a reentrant variant and
 * {@link dev.weft.analysis.lock.LockPair}, which takes two locks in one global order.
 *
 * <p>Depends on the JDK only (no weft-runtime, no other analysis package): the histogram code uses these
 * locks, never the other way round. Threads are never created here; waiters park their own thread.
 */
package dev.weft.analysis.lock;
