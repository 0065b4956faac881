/**
 * {@code weft bench runtime}: the task pool's submit-and-join overhead against a plain ForkJoinPool and a
 * fixed ThreadPoolExecutor in the same run, worker-process round trips (warm and cold), and the JMH
 * benchmark of submit/join. Measures only; it must not be depended on by anything.
 */
package dev.weft.bench.runtime;
