/**
 * Renders {@link dev.weft.runtime.progress.ProgressListener} events for people: bars redrawn in place on a
 * terminal, plain periodic lines in logs. Owns one daemon drawing thread per renderer. Depends on the
 * runtime's progress API only; it must not know about any workload.
 */
package dev.weft.cli.progress;
