/**
 * The load generator behind {@code lianmai bench}: simulated WebRTC publishers and subscribers that join a Lianmai
 * server through WHIP and WHEP and speak real ICE, DTLS and SRTP to it (the media module's stack, in the client
 * role), on one or two Netty event loops. See {@code docs/benchmarks.md}, section "Load generator".
 */
package io.lianmai.bench.load;
