package io.lianmai.wire.rtcp;

import io.lianmai.common.BigEndian;

/**
 * RTCP extended reports (XR, RFC 3611), the two blocks that give a receive-only peer its round-trip time
 * (§4.4, §4.5): the receiver sends a Receiver Reference Time Report (RRTR, block type 4: its NTP time), the sender
 * answers with a DLRR block (type 5: the middle 32 bits of that time and how long it held it, in 1/65536 s), and the
 * receiver computes RTT = now − LRR − DLRR. Negotiated with {@code a=rtcp-xr:rcvr-rtt=all} (§5.1), which Chromium
 * offers.
 *
 * <pre>
 * |V=2|P|reserved |   PT=XR=207   |             length            |
 * |                              SSRC                             |
 * report blocks: | BT | type-specific | block length (32-bit words after this one) | ...
 *   RRTR: | BT=4 | 0 | 2 | NTP timestamp, most significant word | least significant word |
 *   DLRR: | BT=5 | 0 | 3 | SSRC of receiver | last RR (LRR) | delay since last RR (DLRR) |
 * </pre>
 *
 * <p>Static methods on a buffer; no allocation. Every reader checks its bounds and answers -1 for garbage.
 */
public final class ExtendedReport {
    public static final int RRTR = 4;
    public static final int DLRR = 5;
    private static final int HEADER_LENGTH = 8;

    private ExtendedReport() {
    }

    /** The SSRC of the XR packet's sender, or -1 if {@code (buf, off, len)} is not a whole XR packet. */
    public static long senderSsrc(byte[] buf, int off, int len) {
        return content(buf, off, len) < 0 ? -1 : BigEndian.u32(buf, off + 4);
    }

    /**
     * The middle 32 bits of the NTP time in the packet's first RRTR block (what a DLRR answer echoes as LRR), or -1
     * when {@code (buf, off, len)} is not a whole XR packet or has no well-formed RRTR block.
     */
    public static long receiverReferenceTimeMiddle32(byte[] buf, int off, int len) {
        int content = content(buf, off, len);
        if (content < 0) {
            return -1;
        }
        int at = off + HEADER_LENGTH;
        int end = off + content;
        while (at + 4 <= end) {
            int type = buf[at] & 0xFF;
            int blockLength = 4 + BigEndian.u16(buf, at + 2) * 4;
            if (at + blockLength > end) {
                return -1;
            }
            if (type == RRTR && blockLength == 12) {
                return (BigEndian.u32(buf, at + 4) & 0xFFFF) << 16 | BigEndian.u32(buf, at + 8) >>> 16;
            }
            at += blockLength;
        }
        return -1;
    }

    /** Bytes of an XR packet with one DLRR block of {@code subBlocks} sub-blocks. */
    public static int dlrrLength(int subBlocks) {
        return HEADER_LENGTH + 4 + 12 * subBlocks;
    }

    /** Writes the XR header and the DLRR block header for {@code subBlocks} sub-blocks (1..21845); returns its length. */
    public static int writeDlrrHeader(byte[] buf, int off, long senderSsrc, int subBlocks) {
        int length = dlrrLength(subBlocks);
        RtcpHeader.write(buf, off, 0, RtcpPacketType.XR, length);
        BigEndian.put32(buf, off + 4, senderSsrc);
        buf[off + 8] = (byte) DLRR;
        buf[off + 9] = 0;
        BigEndian.put16(buf, off + 10, 3 * subBlocks);
        return length;
    }

    /**
     * Writes the {@code index}th DLRR sub-block of the packet at {@code off}, answering {@code receiverSsrc}'s RRTR:
     * {@code lastRr} its middle 32 bits, {@code delay} in 1/65536 s since it arrived (capped at 2^32 − 1).
     */
    public static void writeDlrrSubBlock(byte[] buf, int off, int index, long receiverSsrc, long lastRr, long delay) {
        int at = off + HEADER_LENGTH + 4 + 12 * index;
        BigEndian.put32(buf, at, receiverSsrc);
        BigEndian.put32(buf, at + 4, lastRr);
        BigEndian.put32(buf, at + 8, Math.max(0, Math.min(0xFFFF_FFFFL, delay)));
    }

    /** The packet's content length (padding excluded), or -1 unless it is one whole XR packet of at least a header. */
    private static int content(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < HEADER_LENGTH || off + len > buf.length
                || RtcpHeader.version(buf, off) != 2 || RtcpHeader.packetType(buf, off) != RtcpPacketType.XR
                || RtcpHeader.packetLength(buf, off) > len) {
            return -1;
        }
        int content = RtcpHeader.contentLength(buf, off, RtcpHeader.packetLength(buf, off));
        return content < HEADER_LENGTH ? -1 : content;
    }
}
