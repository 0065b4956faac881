/**
 * {@code weft bench import}: OCI import throughput of weft against ostree and umoci on the same generated
 * image, in the same run. Depends on weft-store and the CLI's bench SPI.
 */
package dev.weft.bench.store;
