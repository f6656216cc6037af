package io.lianmai.live.flv;

import io.netty.buffer.ByteBuf;

/**
 * A player that wants the hub's FLV tags taken apart again into (type, timestamp, body): RTMP players and CDN relays,
 * which send message bodies, not FLV bytes. The body is a slice of the shared tag, so nothing is copied.
 *
 * <p>The hub offers the FLV file header first; it carries nothing a message-based player needs and is dropped here.
 *
 * <pre>
 * tag (E.4.1):  type (1) | DataSize (3) | Timestamp (3) | TimestampExtended (1) | StreamID (3) | Data | PrevTagSize (4)
 * </pre>
 */
public abstract class FlvTagPlayer implements FlvPlayer {
    @Override
    public final boolean offer(ByteBuf bytes) {
        try {
            int at = bytes.readerIndex();
            int length = bytes.readableBytes();
            if (length < FlvTags.TAG_HEADER + FlvTags.PREVIOUS_TAG_SIZE) {
                return accepting();
            }
            int type = bytes.getUnsignedByte(at);
            int size = bytes.getUnsignedMedium(at + 1);
            if ((type != FlvTags.AUDIO && type != FlvTags.VIDEO && type != FlvTags.SCRIPT)
                    || FlvTags.TAG_HEADER + size + FlvTags.PREVIOUS_TAG_SIZE != length) {
                return accepting(); // the file header ('F' 'L' 'V'), never a tag
            }
            long timestamp = bytes.getUnsignedMedium(at + 4) | ((long) bytes.getUnsignedByte(at + 7) << 24);
            return onTag(type, timestamp, bytes.retainedSlice(at + FlvTags.TAG_HEADER, size));
        } finally {
            bytes.release();
        }
    }

    /**
     * One audio (8), video (9) or script (18, {@code onMetaData} without {@code @setDataFrame}) body; takes ownership
     * of {@code body}. Returns false when the player cannot keep up or has gone, as {@link FlvPlayer#offer} does.
     */
    protected abstract boolean onTag(int type, long timestamp, ByteBuf body);

    /** What to answer for bytes that are not a tag: whether the player is still there. */
    protected abstract boolean accepting();
}
