package io.lianmai.wire.rtcp;

import io.lianmai.common.BigEndian;
/**
 * A reusable view of a goodbye packet (BYE, RFC 3550 §6.6), and a writer the SFU uses when a forwarded stream ends.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |   PT=BYE=203  |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           SSRC/CSRC  (SC times)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :     length    |               reason for leaving            ... (opt)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Goodbye {
    private byte[] buffer;
    private int offset;
    private int reasonOffset;
    private int reasonLength;

    /** Binds the view to the BYE at {@code off}; {@code false} if invalid or its SSRCs or reason are truncated. */
    public boolean wrap(byte[] buf, int off, int len) {
        buffer = null;
        int content = RtcpHeader.checkedContentLength(buf, off, len, RtcpPacketType.BYE);
        if (content < 0) {
            return false;
        }
        int afterSources = RtcpHeader.LENGTH + 4 * RtcpHeader.count(buf, off);
        if (afterSources > content) {
            return false;
        }
        reasonOffset = -1;
        reasonLength = 0;
        if (afterSources < content) {
            int length = buf[off + afterSources] & 0xFF;
            if (length > content - afterSources - 1) {
                return false;
            }
            reasonOffset = off + afterSources + 1;
            reasonLength = length;
        }
        buffer = buf;
        offset = off;
        return true;
    }

    /** Number of SSRC/CSRC identifiers (SC). */
    public int sourceCount() {
        return RtcpHeader.count(buffer, offset);
    }

    /** The {@code index}-th SSRC/CSRC (below {@link #sourceCount()}). */
    public long ssrc(int index) {
        return BigEndian.u32(buffer, offset + RtcpHeader.LENGTH + 4 * index);
    }

    /** Rewrites the {@code index}-th SSRC/CSRC in place. */
    public void setSsrc(int index, long ssrc) {
        BigEndian.put32(buffer, offset + RtcpHeader.LENGTH + 4 * index, ssrc);
    }

    /** Absolute offset of the reason text, or -1 if there is none. */
    public int reasonOffset() {
        return reasonOffset;
    }

    /** Length of the reason text in bytes; 0 if there is none. */
    public int reasonLength() {
        return reasonLength;
    }

    /** Bytes a BYE for {@code sourceCount} sources without reason takes. */
    public static int lengthFor(int sourceCount) {
        return RtcpHeader.LENGTH + 4 * sourceCount;
    }

    /**
     * Writes a BYE for {@code count} SSRCs from {@code ssrcs[from]}, without a reason. Returns the packet length, or -1
     * if {@code count} is not 1..31 or the packet does not fit in {@code buf}.
     */
    public static int write(byte[] buf, int off, long[] ssrcs, int from, int count) {
        if (count < 1 || count > 31) {
            return -1;
        }
        int length = lengthFor(count);
        if (!RtcpHeader.fits(buf, off, length)) {
            return -1;
        }
        RtcpHeader.write(buf, off, count, RtcpPacketType.BYE, length);
        for (int i = 0; i < count; i++) {
            BigEndian.put32(buf, off + RtcpHeader.LENGTH + 4 * i, ssrcs[from + i]);
        }
        return length;
    }
}
