/**
 * The composefs-compatible repository on disk. Depends on {@code dev.weft.store.verity},
 * {@code dev.weft.store.fs} (O_TMPFILE object writes), weft-runtime's errors and Jackson; never on split streams, OCI or the CLI.
 *
 * <pre>
 * REPO/meta.json                       {"version":1,"algorithm":"fsverity-sha256-12",...}
 * REPO/objects/XX/&lt;62 hex&gt;             content, named by its fs-verity SHA-256 digest
 * REPO/streams/&lt;name&gt;                  symlink to ../objects/XX/&lt;rest&gt; (a split stream)
 * REPO/streams/refs/&lt;path&gt;             symlink to ../../&lt;name&gt; (GC roots)
 * REPO/.lock                           the repository lock (weft's addition)
 * </pre>
 *
 * <h2>API for other subsystems</h2>
 * Open with {@link dev.weft.store.repo.Repository#open(java.nio.file.Path, boolean)}; hold
 * {@link dev.weft.store.repo.Repository#lockShared()} while adding data (gc takes the exclusive lock); a
 * lock that stays busy for half a second is reported once to {@code Repository#onLockWait} (the CLI's
 * stderr) with the holding process when {@code /proc/locks} names it.
 * <ul>
 *   <li>{@code putObject(bytes)} returns the object's {@link dev.weft.store.verity.ObjectId}; writing an
 *       object that exists writes nothing. {@code hasObject}, {@code openObject}, {@code readObject},
 *       {@code objectPath} read it back.</li>
 *   <li>New objects are <em>not</em> durable until {@link dev.weft.store.repo.Repository#barrier()};
 *       {@code publishStream(name, bytes)} stores a stream's bytes as an object, runs the barrier, and
 *       only then links {@code streams/name}, so a published stream never names a lost object.</li>
 *   <li>{@code setRef("ns/x", streamName)} makes a stream a GC root; {@code removeRef} drops it.</li>
 * </ul>
 * A dataset (e.g. erasure-coded shards) is stored as objects plus a manifest split stream whose object
 * references name the shards, published under a ref so gc keeps it.
 */
package dev.weft.store.repo;
