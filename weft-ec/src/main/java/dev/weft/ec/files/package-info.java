/**
 * Shard files: {@code weft ec encode|decode|verify|repair} as a library. A directory of k + m raw shard
 * files plus a Jackson-written {@code manifest.json}; streaming stripe by stripe with bounded memory,
 * temporary names renamed into place. Depends on {@code codec}, weft-runtime and Jackson; knows nothing
 * of the CLI.
 */
package dev.weft.ec.files;
