/**
 * Repository maintenance: {@code fsck} (re-hash every object on the pool, check every stream, ref and
 * OCI digest, optionally repair) and {@code gc} (remove what no ref reaches). Depends on {@code repo},
 * {@code splitstream}, {@code verity} and weft-runtime.
 */
package dev.weft.store.maint;
