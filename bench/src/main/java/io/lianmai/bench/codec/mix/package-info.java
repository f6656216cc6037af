/** Benchmarks of {@code io.lianmai.codec.mix}: the MCU mix engine's cost per output second. */
package io.lianmai.bench.codec.mix;
