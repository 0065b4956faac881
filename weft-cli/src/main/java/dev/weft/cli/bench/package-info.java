/**
 * The {@code weft bench} command and its service interface: areas are implemented in weft-bench and found
 * with {@link java.util.ServiceLoader}, so the product jar carries no peers.
 */
package dev.weft.cli.bench;
