/** {@code weft demo}: runs each workload's showcase step on generated sample data. */
package dev.weft.cli.demo;
