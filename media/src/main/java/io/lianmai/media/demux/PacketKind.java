package io.lianmai.media.demux;

/**
 * What a datagram on the shared media port is, by its first byte (RFC 7983 §7): STUN 0..3, DTLS 20..63,
 * RTP/RTCP 128..191; anything else is dropped.
 */
public enum PacketKind {
    STUN, DTLS, RTP_OR_RTCP, UNKNOWN;

    public static PacketKind of(int firstByte) {
        if (firstByte <= 3) {
            return STUN;
        }
        if (firstByte >= 20 && firstByte <= 63) {
            return DTLS;
        }
        if (firstByte >= 128 && firstByte <= 191) {
            return RTP_OR_RTCP;
        }
        return UNKNOWN;
    }

    /**
     * Whether an RTP/RTCP packet is RTCP: payload types 192..223 in the second byte are RTCP (RFC 5761 §4), so an
     * RTP payload type must stay outside 64..95 with the marker bit.
     */
    public static boolean isRtcp(int secondByte) {
        return secondByte >= 192 && secondByte <= 223;
    }
}
