/** JMH benchmarks mirroring the packages they measure, e.g. {@code io.lianmai.bench.media.srtp}. */
package io.lianmai.bench;
