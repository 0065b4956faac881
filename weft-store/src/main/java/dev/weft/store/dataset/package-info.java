/**
 * Erasure-coded datasets in the repository: weft-ec's {@link dev.weft.ec.dataset.BlockStore} over
 * repository objects (ids = fs-verity digests), and the manifest stream + ref that keep a dataset's
 * blocks alive through gc (checked against the manifest on every read; dropped by {@code weft rm}). Depends on {@code repo}, {@code splitstream} and weft-ec; never on the CLI.
 */
package dev.weft.store.dataset;
