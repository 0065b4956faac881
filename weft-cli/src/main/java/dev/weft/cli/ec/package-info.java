/**
 * {@code weft ec encode|decode|verify|repair}: the command-line face of weft-ec's shard directories, and
 * the erasure-coding step of {@code weft demo}. Parses options and prints; all coding lives in weft-ec.
 */
package dev.weft.cli.ec;
