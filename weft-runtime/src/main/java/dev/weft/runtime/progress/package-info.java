/**
 * Progress reporting: a listener API with nested tasks whose totals are known up front when they can be.
 * Rendering (bars, plain lines) belongs to the CLI. Depends on the JDK only.
 */
package dev.weft.runtime.progress;
