/**
 * weft-cli: the {@code weft} command (picocli). Owns the process: it creates the one task pool from
 * {@code --threads}, maps errors to exit codes (0, 2 usage, 3 bad data, 1 internal, 130 Ctrl-C) and renders
 * progress. Workload logic lives in the workload modules, never here.
 */
package dev.weft.cli;
