/**
 * Reading gzip layers: RFC 1952 members, concatenated, nothing after the last one. Inflates with Intel ISA-L's
 * igzip ({@code isal_inflate}, through FFM) when libisal is installed, else with java.util.zip (through
 * commons-compress); both give the same bytes and the same errors. Depends on weft-ec's ISA-L locator and
 * the JDK only.
 */
package dev.weft.store.gzip;
