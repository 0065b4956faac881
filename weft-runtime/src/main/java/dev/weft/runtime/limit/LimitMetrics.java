package dev.weft.runtime.limit;

/**
 * A snapshot of one limit or budget.
 *
 * @param name the limit's name, e.g. {@code ec.jobs}
 * @param unit {@code permits} or {@code bytes}
 * @param capacity permits or bytes available in all
 * @param inUse held right now
 * @param peak the most ever held at once
 * @param waiting callers blocked right now
 * @param acquisitions grants so far
 */
public record LimitMetrics(String name, String unit, long capacity, long inUse, long peak, int waiting, long acquisitions) {}
