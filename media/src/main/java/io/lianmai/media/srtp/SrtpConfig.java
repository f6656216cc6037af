package io.lianmai.media.srtp;

/**
 * Limits of one {@link SrtpContext}.
 *
 * @param replayWindowPackets how many packet indices back a received packet may be and still be accepted once
 *     (RFC 3711 §3.3.2 asks for at least 64); a positive multiple of 64
 * @param maxStreams how many SSRCs the context keeps state for; a packet of a further SSRC is refused, which
 *     bounds memory whatever a peer sends
 */
public record SrtpConfig(int replayWindowPackets, int maxStreams) {

    /**
     * 1024 packets of replay window, as libwebrtc configures libsrtp: at 1,000 video packets per second a
     * retransmission up to about a second late still counts. 1024 SSRCs per context: one subscriber's outbound
     * context carries audio, video and RTX of every forwarded sender (3 × 300 members), with room to spare.
     */
    public static final SrtpConfig DEFAULT = new SrtpConfig(1024, 1024);

    public SrtpConfig {
        if (replayWindowPackets < 64 || replayWindowPackets % 64 != 0 || replayWindowPackets > 1 << 16) {
            throw new IllegalArgumentException(
                    "replayWindowPackets must be a multiple of 64 in 64..65536, got " + replayWindowPackets);
        }
        if (maxStreams < 1 || maxStreams > 1 << 20) {
            throw new IllegalArgumentException("maxStreams must be 1..1048576, got " + maxStreams);
        }
    }
}
