/**
 * The optional ISA-L backend: an FFM binding to {@code libisal} and a kernel on top of it. Everything here
 * degrades to "absent" when the library is missing; nothing else in weft may require it. Depends on
 * {@code kernel} and the JDK only.
 */
package dev.weft.ec.isal;
