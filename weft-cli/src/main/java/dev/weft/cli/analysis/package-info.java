/**
 * {@code weft analyze generate|adl|plot} and the analysis step of {@code weft demo}: command-line wiring
 * over weft-analysis. Parses options, maps them to the dataframe and writers, prints results; holds no
 * analysis logic of its own.
 */
package dev.weft.cli.analysis;
