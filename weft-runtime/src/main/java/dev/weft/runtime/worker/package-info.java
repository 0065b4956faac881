/**
 * Warm child JVMs that run registered {@link dev.weft.runtime.worker.WorkerFunction}s by name, with a
 * per-call timeout, heap limit and nice level ({@link dev.weft.runtime.worker.WorkerPool}); the child's
 * main class ({@link dev.weft.runtime.worker.WorkerMain}); and the length-prefixed protocol between them
 * ({@code docs/formats/worker-protocol.md}). This package owns the child processes and the two platform
 * threads per child that read its pipes. Depends on the JDK only; it must not depend on the task pool,
 * so a child JVM starts with nothing but this package and the functions on its class path.
 */
package dev.weft.runtime.worker;
