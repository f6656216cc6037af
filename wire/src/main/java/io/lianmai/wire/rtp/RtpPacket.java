package io.lianmai.wire.rtp;

import static io.lianmai.common.BigEndian.put16;
import static io.lianmai.common.BigEndian.put32;
import static io.lianmai.common.BigEndian.u16;
import static io.lianmai.common.BigEndian.u32;

import java.util.Arrays;

/**
 * A reusable, mutable view of one RTP packet (RFC 3550 §5.1) in a caller's buffer, through which the forward path
 * reads and rewrites packets in place.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers (CC)        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |  profile (0xBEDE / 0x100x)    |     length (32-bit words)     |  if X (RFC 3550 §5.3.1)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               extension elements (RFC 8285)                   |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                           payload              ...  | padding | count |  if P
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p><b>Ownership.</b> The view never owns the bytes: {@link #wrap} binds it to {@code (buffer, offset, length)}, which
 * stays the caller's (usually a pooled buffer). The view is valid until the bytes are changed by someone else or the
 * buffer returns to its pool; re-wrap it for the next packet. Offsets returned by accessors are absolute indexes into
 * {@link #buffer()}. One view per thread: it is not thread-safe.
 *
 * <p><b>Validation.</b> {@code wrap} checks everything later accessors rely on: version 2, the CSRC list, the extension
 * block and its RFC 8285 elements, and the padding count, all within {@code length}. Accessors therefore never read
 * outside the packet. Nothing here allocates or throws on the packet path.
 */
public final class RtpPacket {
    /** Bytes in the fixed header before the CSRC list. */
    public static final int FIXED_HEADER_LENGTH = 12;
    /** RFC 8285 §4.2: extension block profile for one-byte element headers. */
    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    /** RFC 8285 §4.3: extension block profile for two-byte element headers ({@code 0x100} + 4 app bits). */
    public static final int TWO_BYTE_PROFILE = 0x1000;
    /** Returned by {@link #findExtension} when the element is absent. */
    public static final long NOT_FOUND = -1L;

    /** Extension ids usable in the one-byte form (RFC 8285 §4.2); 0 is padding and 15 stops parsing. */
    public static final int MAX_ONE_BYTE_ID = 14;
    /** Extension ids usable in the two-byte form (RFC 8285 §4.3). */
    public static final int MAX_TWO_BYTE_ID = 255;

    private static final long MALFORMED = -2L;
    private static final int NO_PROFILE = -1;

    private byte[] buffer;
    private int offset;
    private int length;
    private int headerLength;
    private int paddingLength;
    private int extensionProfile = NO_PROFILE;
    private int extensionOffset;
    private int extensionLength;

    /**
     * Binds this view to a packet, or leaves it unbound and returns {@code false} if the bytes are not a valid RTP
     * packet: version other than 2, shorter than its header, a CSRC list, extension block or RFC 8285 element that runs
     * past {@code length}, or a padding count of zero or larger than the payload. Only reads the buffer.
     */
    public boolean wrap(byte[] buf, int off, int len) {
        clear();
        if (buf == null || off < 0 || len < FIXED_HEADER_LENGTH || off > buf.length - len) {
            return false;
        }
        int first = buf[off] & 0xFF;
        if (first >>> 6 != 2) {
            return false;
        }
        int header = FIXED_HEADER_LENGTH + (first & 0x0F) * 4;
        if (header > len) {
            return false;
        }
        int profile = NO_PROFILE;
        int extOff = 0;
        int extLen = 0;
        if ((first & 0x10) != 0) {
            if (header + 4 > len) {
                return false;
            }
            profile = u16(buf, off + header);
            extLen = u16(buf, off + header + 2) * 4;
            extOff = off + header + 4;
            header += 4 + extLen;
            if (header > len) {
                return false;
            }
        }
        int padding = 0;
        if ((first & 0x20) != 0) {
            padding = buf[off + len - 1] & 0xFF;
            if (padding == 0 || padding > len - header) {
                return false;
            }
        }
        if (scan(buf, profile, extOff, extOff + extLen, 0) == MALFORMED) {
            return false;
        }
        this.buffer = buf;
        this.offset = off;
        this.length = len;
        this.headerLength = header;
        this.paddingLength = padding;
        this.extensionProfile = profile;
        this.extensionOffset = extOff;
        this.extensionLength = extLen;
        return true;
    }

    /**
     * Copies the bound packet {@code source} to {@code off} in {@code buf} and binds this view to the copy, without
     * validating it again: {@code source}'s {@link #wrap} did (the forward path's copy per subscriber, whose
     * header stages then share this one parse). Returns {@code false}, leaving this view unbound and {@code buf}
     * unchanged, if {@code source} is not bound or the copy does not fit.
     */
    public boolean wrapCopy(RtpPacket source, byte[] buf, int off) {
        clear();
        if (source.buffer == null || buf == null || off < 0 || off > buf.length - source.length) {
            return false;
        }
        System.arraycopy(source.buffer, source.offset, buf, off, source.length);
        this.buffer = buf;
        this.offset = off;
        this.length = source.length;
        this.headerLength = source.headerLength;
        this.paddingLength = source.paddingLength;
        this.extensionProfile = source.extensionProfile;
        this.extensionOffset = source.extensionProfile == NO_PROFILE ? 0 : source.extensionOffset - source.offset + off;
        this.extensionLength = source.extensionLength;
        return true;
    }

    /** Unbinds the view, dropping its reference to the buffer. */
    public void clear() {
        buffer = null;
        offset = 0;
        length = 0;
        headerLength = 0;
        paddingLength = 0;
        extensionProfile = NO_PROFILE;
        extensionOffset = 0;
        extensionLength = 0;
    }

    /** Whether the last {@link #wrap} succeeded and the view has not been cleared since. */
    public boolean isWrapped() {
        return buffer != null;
    }

    /** The buffer this view reads; the caller's, not a copy. */
    public byte[] buffer() {
        return buffer;
    }

    /** Index of the packet's first byte in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** Whole packet length in bytes, header and padding included. */
    public int length() {
        return length;
    }

    /** RTP version; always 2 for a wrapped packet. */
    public int version() {
        return (buffer[offset] & 0xFF) >>> 6;
    }

    /** The P bit: the packet ends with {@link #paddingLength()} bytes of padding. */
    public boolean hasPadding() {
        return (buffer[offset] & 0x20) != 0;
    }

    /** The X bit: a header extension block follows the CSRC list. */
    public boolean hasExtension() {
        return (buffer[offset] & 0x10) != 0;
    }

    /** Number of CSRC identifiers, 0..15. */
    public int csrcCount() {
        return buffer[offset] & 0x0F;
    }

    /** The {@code index}-th CSRC (unsigned 32-bit); {@code index} must be below {@link #csrcCount()}. */
    public long csrc(int index) {
        return u32(buffer, offset + FIXED_HEADER_LENGTH + 4 * index);
    }

    /** The M bit. */
    public boolean marker() {
        return (buffer[offset + 1] & 0x80) != 0;
    }

    /** Payload type, 0..127. */
    public int payloadType() {
        return buffer[offset + 1] & 0x7F;
    }

    /** Sequence number, 0..65535. */
    public int sequenceNumber() {
        return u16(buffer, offset + 2);
    }

    /** Timestamp as an unsigned 32-bit value. */
    public long timestamp() {
        return u32(buffer, offset + 4);
    }

    /** SSRC as an unsigned 32-bit value. */
    public long ssrc() {
        return u32(buffer, offset + 8);
    }

    /** Fixed header, CSRCs and extension block: where the payload starts, relative to {@link #offset()}. */
    public int headerLength() {
        return headerLength;
    }

    /** Absolute index of the payload's first byte in {@link #buffer()}. */
    public int payloadOffset() {
        return offset + headerLength;
    }

    /** Payload length in bytes, padding excluded; may be 0 (padding-only probes). */
    public int payloadLength() {
        return length - headerLength - paddingLength;
    }

    /** Padding bytes at the end, the count byte included; 0 without the P bit. */
    public int paddingLength() {
        return paddingLength;
    }

    /** The extension block's 16-bit profile, or -1 without an extension block. */
    public int extensionProfile() {
        return extensionProfile;
    }

    /** Absolute index of the extension block's data (after its 4-byte header); meaningless without a block. */
    public int extensionOffset() {
        return extensionOffset;
    }

    /** Length of the extension block's data in bytes (a multiple of 4), 0 without a block. */
    public int extensionLength() {
        return extensionLength;
    }

    /** Whether the extension block uses RFC 8285 one-byte element headers. */
    public boolean hasOneByteExtensions() {
        return extensionProfile == ONE_BYTE_PROFILE;
    }

    /** Whether the extension block uses RFC 8285 two-byte element headers. */
    public boolean hasTwoByteExtensions() {
        return extensionProfile != NO_PROFILE && (extensionProfile & 0xFFF0) == TWO_BYTE_PROFILE;
    }

    /** Sets the sequence number in place (low 16 bits of {@code sequenceNumber}). */
    public void setSequenceNumber(int sequenceNumber) {
        put16(buffer, offset + 2, sequenceNumber);
    }

    /** Sets the timestamp in place (low 32 bits; a Java {@code int} of the raw bits works too). */
    public void setTimestamp(long timestamp) {
        put32(buffer, offset + 4, timestamp);
    }

    /** Sets the SSRC in place (low 32 bits; a Java {@code int} of the raw bits works too). */
    public void setSsrc(long ssrc) {
        put32(buffer, offset + 8, ssrc);
    }

    /** Sets the payload type in place (low 7 bits), keeping the marker bit. */
    public void setPayloadType(int payloadType) {
        buffer[offset + 1] = (byte) ((buffer[offset + 1] & 0x80) | (payloadType & 0x7F));
    }

    /** Sets or clears the marker bit in place. */
    public void setMarker(boolean marker) {
        buffer[offset + 1] = (byte) (marker ? buffer[offset + 1] | 0x80 : buffer[offset + 1] & 0x7F);
    }

    /**
     * Writes a 12-byte fixed header (version 2; no padding, extension or CSRC) at {@code off}, for packetizers that
     * build packets from scratch; the payload follows at {@code off + FIXED_HEADER_LENGTH}. The caller has checked
     * that 12 bytes fit.
     */
    public static void writeFixedHeader(byte[] buf, int off, boolean marker, int payloadType, int sequenceNumber,
            long timestamp, long ssrc) {
        buf[off] = (byte) 0x80;
        buf[off + 1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F));
        put16(buf, off + 2, sequenceNumber);
        put32(buf, off + 4, timestamp);
        put32(buf, off + 8, ssrc);
    }

    /**
     * Finds the RFC 8285 header extension element with local identifier {@code id} and returns its value's position
     * packed into a long (read it with {@link #extensionValueOffset} and {@link #extensionValueLength}), or {@link
     * #NOT_FOUND} if the packet has no such element or no RFC 8285 extension block. In the one-byte form the search
     * stops at id 15, as RFC 8285 §4.2 requires. Does not allocate.
     */
    public long findExtension(int id) {
        if (buffer == null || id <= 0) {
            return NOT_FOUND;
        }
        long found = scan(buffer, extensionProfile, extensionOffset, extensionOffset + extensionLength, id);
        return found < 0 ? NOT_FOUND : found;
    }

    /** Absolute index in {@link #buffer()} of the value of an element returned by {@link #findExtension}. */
    public static int extensionValueOffset(long element) {
        return (int) (element >>> 32);
    }

    /** Value length in bytes of an element returned by {@link #findExtension}. */
    public static int extensionValueLength(long element) {
        return (int) element;
    }

    /**
     * Overwrites the value of extension element {@code id} with {@code length} bytes of {@code src}, in place. Returns
     * {@code false}, changing nothing, if the element is absent or its value is not exactly {@code length} bytes.
     */
    public boolean setExtensionValue(int id, byte[] src, int srcOffset, int length) {
        long element = findExtension(id);
        if (element == NOT_FOUND || extensionValueLength(element) != length) {
            return false;
        }
        System.arraycopy(src, srcOffset, buffer, extensionValueOffset(element), length);
        return true;
    }

    /**
     * Adds the RFC 8285 element {@code id} with a zeroed value of {@code valueLength} bytes to the bound packet in
     * place, moving the payload (and padding) towards the end of the buffer: appended to the existing one- or
     * two-byte block (RFC 8285 §4.2, §4.3) as whole 32-bit words, or in a new one-byte block (two-byte when {@code id}
     * or the length need it) right after the CSRCs when the packet has none (setting X). The view stays bound, with
     * its new length. Returns the value's absolute offset, or -1, changing nothing, if the element is already there,
     * the id or length does not fit the block's form, the packet carries a non-RFC 8285 extension, or it would end
     * past {@code limit} (an index into the buffer; leave room for what follows, such as SRTP's tag).
     */
    public int addExtension(int id, int valueLength, int limit) {
        if (buffer == null || id < 1 || id > MAX_TWO_BYTE_ID || valueLength < 1 || valueLength > 255
                || findExtension(id) != NOT_FOUND) {
            return -1;
        }
        boolean newBlock = extensionProfile == NO_PROFILE;
        boolean oneByte = newBlock ? id <= MAX_ONE_BYTE_ID && valueLength <= 16
                : extensionProfile == ONE_BYTE_PROFILE;
        if (!newBlock && !oneByte && (extensionProfile & 0xFFF0) != TWO_BYTE_PROFILE
                || oneByte && (id > MAX_ONE_BYTE_ID || valueLength > 16)) {
            return -1;
        }
        int elementLength = (oneByte ? 1 : 2) + valueLength;
        int words = (elementLength + 3) / 4;
        int grow = words * 4 + (newBlock ? 4 : 0);
        int end = offset + length;
        if (grow > limit - end || limit > buffer.length) {
            return -1;
        }
        int at = newBlock ? offset + FIXED_HEADER_LENGTH + csrcCount() * 4 : extensionOffset + extensionLength;
        System.arraycopy(buffer, at, buffer, at + grow, end - at);
        Arrays.fill(buffer, at, at + grow, (byte) 0);
        if (newBlock) {
            put16(buffer, at, oneByte ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE);
            buffer[offset] |= 0x10;
            extensionProfile = oneByte ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE;
            extensionOffset = at + 4;
            extensionLength = 0;
            at += 4;
        }
        extensionLength += words * 4;
        put16(buffer, extensionOffset - 2, extensionLength / 4);
        if (oneByte) {
            buffer[at] = (byte) (id << 4 | (valueLength - 1));
        } else {
            buffer[at] = (byte) id;
            buffer[at + 1] = (byte) valueLength;
        }
        length += grow;
        headerLength += grow;
        return at + (oneByte ? 1 : 2);
    }

    /**
     * Whether extension element {@code id} is present and its value equals {@code expected} byte for byte; used to
     * match MID and RID values against pre-encoded identifiers without creating strings.
     */
    public boolean extensionValueEquals(int id, byte[] expected) {
        long element = findExtension(id);
        if (element == NOT_FOUND) {
            return false;
        }
        int from = extensionValueOffset(element);
        return Arrays.equals(buffer, from, from + extensionValueLength(element), expected, 0, expected.length);
    }

    /**
     * Moves the start of the bound packet by {@code delta} bytes (the header has been moved there by the caller), for
     * in-place transformations such as {@link RtxPacket#restoreOriginal}.
     */
    void moveStart(int delta) {
        offset += delta;
        length -= delta;
        if (extensionProfile != NO_PROFILE) {
            extensionOffset += delta;
        }
    }

    /**
     * Walks the RFC 8285 elements of an extension block from {@code pos} to {@code end}. Returns the packed position of
     * the element with {@code id} ({@code id} 0 matches nothing, which makes this a validation pass), {@link
     * #NOT_FOUND}, or {@link #MALFORMED} if an element header or value runs past the block.
     */
    static long scan(byte[] b, int profile, int pos, int end, int id) {
        if (profile == ONE_BYTE_PROFILE) {
            while (pos < end) {
                int head = b[pos] & 0xFF;
                if (head == 0) {
                    pos++;
                    continue;
                }
                int elementId = head >>> 4;
                if (elementId == 15) {
                    return NOT_FOUND;
                }
                int valueLength = (head & 0x0F) + 1;
                int value = pos + 1;
                if (valueLength > end - value) {
                    return MALFORMED;
                }
                if (elementId == id) {
                    return (long) value << 32 | valueLength;
                }
                pos = value + valueLength;
            }
        } else if (profile != NO_PROFILE && (profile & 0xFFF0) == TWO_BYTE_PROFILE) {
            while (pos < end) {
                int elementId = b[pos] & 0xFF;
                if (elementId == 0) {
                    pos++;
                    continue;
                }
                if (end - pos < 2) {
                    return MALFORMED;
                }
                int valueLength = b[pos + 1] & 0xFF;
                int value = pos + 2;
                if (valueLength > end - value) {
                    return MALFORMED;
                }
                if (elementId == id) {
                    return (long) value << 32 | valueLength;
                }
                pos = value + valueLength;
            }
        }
        return NOT_FOUND;
    }
}
