/**
 * The shared task pool ({@link dev.weft.runtime.pool.TaskPool}), tasks whose cancellation completes only
 * after the work stopped ({@link dev.weft.runtime.pool.Task}), and structured scopes
 * ({@link dev.weft.runtime.pool.Scope}). Depends on the JDK only.
 */
package dev.weft.runtime.pool;
