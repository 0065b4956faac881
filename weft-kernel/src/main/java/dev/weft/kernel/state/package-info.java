/**
 * The kernel's immutable state: a persistent hash trie keyed by (space, key) with an incremental,
 * order-independent 64-bit state hash. Pure data structure: depends on the JDK only.
 */
package dev.weft.kernel.state;
