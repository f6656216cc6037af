package io.lianmai.wire.rtcp;

/**
 * A reusable cursor over the packets of a compound RTCP packet (RFC 3550 §6.1), validating each header before it is
 * exposed: version 2, a length (in 32-bit words) that stays within the datagram, and a padding count that fits its
 * packet.
 *
 * <pre>
 * |&lt;-------------------------- datagram (after SRTCP) ---------------------------&gt;|
 * +---------------------+--------------------+---------------+--------------------+
 * | SR or RR            | SDES               | PSFB / RTPFB  | ...                |
 * | V=2 | PT | length n | V=2 | PT | length  | ...           |                    |
 * +---------------------+--------------------+---------------+--------------------+
 *  &lt;-- (n + 1) x 4 --&gt;
 * </pre>
 *
 * <pre>{@code
 * iterator.reset(buf, off, len);
 * while (iterator.next()) {
 *     switch (iterator.packetType()) { case RtcpPacketType.SR -> sr.wrap(buf, iterator.packetOffset(), ...) ... }
 * }
 * if (iterator.isMalformed()) malformedCounter++;
 * }</pre>
 *
 * <p>The first packet is not required to be a report: WebRTC peers send reduced-size RTCP (RFC 5506). A malformed
 * packet ends the iteration; the packets before it were valid and may be used. Only reads the buffer. Not
 * thread-safe.
 */
public final class RtcpIterator {
    private byte[] buffer;
    private int position;
    private int end;
    private boolean malformed;
    private int packetOffset;
    private int packetLength;
    private byte[] current;

    /** Starts iterating the compound packet {@code (buf, off, len)}. */
    public void reset(byte[] buf, int off, int len) {
        malformed = false;
        current = null;
        packetOffset = 0;
        packetLength = 0;
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            buffer = null;
            malformed = true;
            return;
        }
        buffer = buf;
        position = off;
        end = off + len;
    }

    /**
     * Advances to the next packet; {@code false} at the end of the compound packet or at a malformed header (then
     * {@link #isMalformed()} is {@code true}).
     */
    public boolean next() {
        if (buffer == null) {
            return false;
        }
        int remaining = end - position;
        if (remaining == 0) {
            buffer = null;
            return false;
        }
        if (remaining < RtcpHeader.LENGTH
                || RtcpHeader.version(buffer, position) != 2
                || RtcpHeader.packetLength(buffer, position) > remaining) {
            return fail();
        }
        int length = RtcpHeader.packetLength(buffer, position);
        if (RtcpHeader.contentLength(buffer, position, length) < 0) {
            return fail();
        }
        current = buffer;
        packetOffset = position;
        packetLength = length;
        position += length;
        return true;
    }

    private boolean fail() {
        buffer = null;
        malformed = true;
        packetOffset = 0;
        packetLength = 0;
        return false;
    }

    /** Whether iteration stopped at invalid bytes rather than at the end. */
    public boolean isMalformed() {
        return malformed;
    }

    /** Absolute offset of the current packet. */
    public int packetOffset() {
        return packetOffset;
    }

    /** Length in bytes of the current packet, header and padding included, as its length field declares. */
    public int packetLength() {
        return packetLength;
    }

    /** Packet type of the current packet; only after {@link #next()} returned {@code true}. */
    public int packetType() {
        return RtcpHeader.packetType(current, packetOffset);
    }

    /** RC/SC/FMT field of the current packet; only after {@link #next()} returned {@code true}. */
    public int count() {
        return RtcpHeader.count(current, packetOffset);
    }

    /** The buffer of the current packet. */
    public byte[] buffer() {
        return current;
    }
}
