/**
 * Named concurrency limits and byte budgets that subsystems put on themselves at the call site, with
 * metrics. Depends on the JDK only.
 */
package dev.weft.runtime.limit;
