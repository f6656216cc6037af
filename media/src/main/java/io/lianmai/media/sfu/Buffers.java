package io.lianmai.media.sfu;

/** Sizes of the byte arrays packets live in on the media path. */
public final class Buffers {
    /** Largest packet handled: an Ethernet MTU's worth; WebRTC senders stay below it. */
    public static final int MAX_PACKET = 1500;
    /** Room after a packet for SRTP's authentication tag (up to 16 bytes) and SRTCP's index (4). */
    public static final int TAILROOM = 64;
    /**
     * What a forwarded packet may grow by in place before protection (an inserted header extension), leaving SRTP's
     * tag and SRTCP's index room in the tailroom.
     */
    public static final int MAX_GROWTH = TAILROOM - 32;
    /** Size of every packet array: a packet plus its tailroom. */
    public static final int CAPACITY = MAX_PACKET + TAILROOM;

    private Buffers() {
    }

    /**
     * The index a packet of {@code len} bytes at {@code off} in {@code buf} may grow to in place: by at most
     * {@link #MAX_GROWTH}, to at most {@link #MAX_PACKET} bytes, within the array (an {@code RtpPacket.addExtension}
     * limit).
     */
    public static int growthLimit(byte[] buf, int off, int len) {
        return Math.min(Math.min(buf.length, off + MAX_PACKET), off + len + MAX_GROWTH);
    }

    /** A new packet-sized array; allocate once per thread or session, never per packet. */
    public static byte[] packetArray() {
        return new byte[CAPACITY];
    }
}
