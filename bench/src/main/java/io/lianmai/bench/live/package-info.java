/**
 * End-to-end live benchmarks: {@link io.lianmai.bench.live.LiveLatency} measures glass-to-glass latency from an RTMP
 * anchor to HTTP-FLV and WebRTC viewers of a whole node, with the send time burnt into every picture.
 */
package io.lianmai.bench.live;
