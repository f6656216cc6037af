package io.lianmai.wire.rtcp;

/**
 * The view that the feedback messages the SFU relays share (RFC 4585 §6.1, layout in {@link RtcpFeedback}): binding
 * to a packet of one type and FMT with at least one FCI entry, the two SSRCs and their in-place rewrite, and the
 * number of fixed-length FCI entries. Not thread-safe.
 */
public abstract sealed class RtcpFeedbackMessage permits GenericNack, PictureLossIndication, FullIntraRequest {
    private final int packetType;
    private final int format;
    private final int fciLength;

    private byte[] buffer;
    private int offset;
    private int entryCount;

    /** A view of {@code packetType}/{@code format} messages whose FCI entries are {@code fciLength} bytes (0: none). */
    RtcpFeedbackMessage(int packetType, int format, int fciLength) {
        this.packetType = packetType;
        this.format = format;
        this.fciLength = fciLength;
    }

    /**
     * Binds the view to the message at {@code off}; {@code false} if it is not a valid message of this type and FMT
     * (with one FCI entry at least, when it has entries).
     */
    public final boolean wrap(byte[] buf, int off, int len) {
        buffer = null;
        int content = RtcpFeedback.checkedContentLength(buf, off, len, packetType, format,
                RtcpFeedback.HEADER_LENGTH + fciLength);
        if (content < 0) {
            return false;
        }
        buffer = buf;
        offset = off;
        entryCount = fciLength == 0 ? 0 : (content - RtcpFeedback.HEADER_LENGTH) / fciLength;
        return true;
    }

    /** SSRC of the packet sender. */
    public final long senderSsrc() {
        return RtcpFeedback.senderSsrc(buffer, offset);
    }

    /** Rewrites the sender SSRC in place. */
    public final void setSenderSsrc(long ssrc) {
        RtcpFeedback.setSenderSsrc(buffer, offset, ssrc);
    }

    /** The bound buffer. */
    final byte[] buffer() {
        return buffer;
    }

    /** Absolute offset of the bound packet. */
    final int offset() {
        return offset;
    }

    /** Number of FCI entries. */
    final int entries() {
        return entryCount;
    }

    /** Absolute offset of FCI entry {@code index}. */
    final int entryOffset(int index) {
        return offset + RtcpFeedback.HEADER_LENGTH + fciLength * index;
    }
}
