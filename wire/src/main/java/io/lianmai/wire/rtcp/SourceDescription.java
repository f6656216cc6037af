package io.lianmai.wire.rtcp;

import io.lianmai.common.BigEndian;
import java.util.Arrays;

/**
 * A reusable view of a source description packet (SDES, RFC 3550 §6.5) that walks its chunks and items in place, and a
 * writer for a one-chunk CNAME SDES (§6.5.1), which every compound report must carry.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |  PT=SDES=202  |             length            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                          SSRC/CSRC_1                          |  chunk 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     type      |    length     |  text (length bytes) ...      |  items ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ... | 0 (end of items) | 0 .. 0 to the next 32-bit boundary |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                          SSRC/CSRC_2 ...                      |  chunk 2
 * </pre>
 *
 * <pre>{@code
 * if (sdes.wrap(buf, off, len)) while (sdes.nextChunk()) while (sdes.nextItem()) { sdes.itemType() ... }
 * }</pre>
 *
 * <p>A chunk or item that would run past the packet ends the walk; {@link #isMalformed()} then says so. Not
 * thread-safe.
 */
public final class SourceDescription {
    /** Item type of the canonical end-point identifier, CNAME. */
    public static final int CNAME = 1;

    private byte[] buffer;
    private int offset;
    private int end;
    private int chunksLeft;
    private int nextChunk;
    private int itemPosition;
    private boolean inChunk;
    private boolean malformed;
    private long chunkSsrc;
    private int itemType;
    private int itemOffset;
    private int itemLength;

    /** Binds the view to the SDES packet at {@code off}; {@code false} if its header is invalid. */
    public boolean wrap(byte[] buf, int off, int len) {
        buffer = null;
        malformed = false;
        inChunk = false;
        int content = RtcpHeader.checkedContentLength(buf, off, len, RtcpPacketType.SDES);
        if (content < RtcpHeader.LENGTH) {
            return false;
        }
        buffer = buf;
        offset = off;
        end = off + content;
        chunksLeft = RtcpHeader.count(buf, off);
        nextChunk = off + RtcpHeader.LENGTH;
        return true;
    }

    /** Number of chunks the header announces (SC). */
    public int sourceCount() {
        return RtcpHeader.count(buffer, offset);
    }

    /** Advances to the next chunk; {@code false} when none is left or the next one is truncated. */
    public boolean nextChunk() {
        if (buffer == null) {
            return false;
        }
        if (inChunk) {
            // Skip the rest of the current chunk's items to find where the next chunk starts.
            while (nextItem()) {
                // skipping
            }
            if (malformed) {
                return false;
            }
        }
        if (chunksLeft == 0) {
            return false;
        }
        if (end - nextChunk < 4) {
            return fail();
        }
        chunkSsrc = BigEndian.u32(buffer, nextChunk);
        itemPosition = nextChunk + 4;
        chunksLeft--;
        inChunk = true;
        return true;
    }

    /** The current chunk's SSRC/CSRC. */
    public long chunkSsrc() {
        return chunkSsrc;
    }

    /**
     * Advances to the next item of the current chunk; {@code false} at its end (the null item, after which the next
     * chunk's position is known) or if an item is truncated.
     */
    public boolean nextItem() {
        if (buffer == null || !inChunk) {
            return false;
        }
        if (itemPosition >= end) {
            return fail();
        }
        int type = buffer[itemPosition] & 0xFF;
        if (type == 0) {
            // End of items: the chunk is padded with zero octets to the next 32-bit boundary.
            int next = itemPosition + 1;
            int misalignment = (next - offset) & 3;
            next += misalignment == 0 ? 0 : 4 - misalignment;
            if (next > end) {
                return fail();
            }
            nextChunk = next;
            inChunk = false;
            return false;
        }
        if (end - itemPosition < 2) {
            return fail();
        }
        int length = buffer[itemPosition + 1] & 0xFF;
        if (length > end - itemPosition - 2) {
            return fail();
        }
        itemType = type;
        itemOffset = itemPosition + 2;
        itemLength = length;
        itemPosition = itemOffset + length;
        return true;
    }

    private boolean fail() {
        malformed = true;
        buffer = null;
        inChunk = false;
        return false;
    }

    /** Whether the walk stopped at a truncated chunk or item. */
    public boolean isMalformed() {
        return malformed;
    }

    /** The current item's type (1 CNAME, 2 NAME, ...). */
    public int itemType() {
        return itemType;
    }

    /** Absolute offset of the current item's text. */
    public int itemOffset() {
        return itemOffset;
    }

    /** Length of the current item's text in bytes. */
    public int itemLength() {
        return itemLength;
    }

    /** Whether the current item's text equals {@code expected} byte for byte. */
    public boolean itemEquals(byte[] expected) {
        return buffer != null
                && Arrays.equals(buffer, itemOffset, itemOffset + itemLength, expected, 0, expected.length);
    }

    /** Bytes a one-chunk CNAME SDES with a {@code cnameLength}-byte CNAME takes. */
    public static int lengthForCname(int cnameLength) {
        // header + SSRC + type + length + text + at least one null octet, rounded up to 32 bits
        return (RtcpHeader.LENGTH + 4 + 2 + cnameLength + 1 + 3) & ~3;
    }

    /**
     * Writes an SDES packet with one chunk holding {@code ssrc}'s CNAME. Returns the packet length, or -1 if the CNAME
     * is longer than 255 bytes or the packet does not fit in {@code buf}.
     */
    public static int writeCname(byte[] buf, int off, long ssrc, byte[] cname) {
        if (cname.length > 255) {
            return -1;
        }
        int length = lengthForCname(cname.length);
        if (!RtcpHeader.fits(buf, off, length)) {
            return -1;
        }
        RtcpHeader.write(buf, off, 1, RtcpPacketType.SDES, length);
        BigEndian.put32(buf, off + 4, ssrc);
        buf[off + 8] = CNAME;
        buf[off + 9] = (byte) cname.length;
        System.arraycopy(cname, 0, buf, off + 10, cname.length);
        Arrays.fill(buf, off + 10 + cname.length, off + length, (byte) 0);
        return length;
    }
}
