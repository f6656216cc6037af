package io.lianmai.live.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Writes the FLV container (Adobe FLV and F4V specification v10.1, Annex E): the file header and tags. An RTMP
 * audio (8), video (9) or data (18) message body is an FLV tag body unchanged, so a tag is the message with an
 * 11-byte header in front and its size behind.
 */
public final class FlvTags {
    /** Tag type of audio. */
    public static final int AUDIO = 8;
    /** Tag type of video. */
    public static final int VIDEO = 9;
    /** Tag type of script data (onMetaData). */
    public static final int SCRIPT = 18;

    /** Bytes of a tag header (E.4.1): type, size, timestamp, extended timestamp, stream id. */
    public static final int TAG_HEADER = 11;
    /** Bytes of the PreviousTagSize field that follows every tag (E.3). */
    public static final int PREVIOUS_TAG_SIZE = 4;

    private FlvTags() {
    }

    /** The 9-byte FLV header followed by PreviousTagSize0 (E.2, E.3). */
    public static ByteBuf header(ByteBufAllocator allocator, boolean audio, boolean video) {
        ByteBuf out = allocator.buffer(13);
        out.writeBytes(new byte[] {'F', 'L', 'V', 1});
        out.writeByte((audio ? 0x04 : 0) | (video ? 0x01 : 0));
        out.writeInt(9);
        out.writeInt(0);
        return out;
    }

    /** One tag (E.4.1) with its PreviousTagSize; only reads {@code body}. */
    public static ByteBuf tag(ByteBufAllocator allocator, int type, long timestampMillis, ByteBuf body) {
        int size = body.readableBytes();
        ByteBuf out = allocator.buffer(TAG_HEADER + size + PREVIOUS_TAG_SIZE);
        out.writeByte(type);
        out.writeMedium(size);
        out.writeMedium((int) (timestampMillis & 0xFFFFFF));
        out.writeByte((int) ((timestampMillis >>> 24) & 0xFF));
        out.writeMedium(0);
        out.writeBytes(body, body.readerIndex(), size);
        out.writeInt(TAG_HEADER + size);
        return out;
    }

    /** Whether a video tag body starts a keyframe (FrameType 1, E.4.3.1). */
    public static boolean isKeyframe(ByteBuf videoBody) {
        return videoBody.readableBytes() > 0 && ((videoBody.getUnsignedByte(videoBody.readerIndex()) >> 4) & 0x7) == 1;
    }

    /**
     * Whether a video tag body is a codec configuration (AVC/HEVC sequence header: AVCPacketType 0), or an enhanced
     * RTMP "SequenceStart" packet.
     */
    public static boolean isVideoSequenceHeader(ByteBuf body) {
        if (body.readableBytes() < 2) {
            return false;
        }
        int first = body.getUnsignedByte(body.readerIndex());
        if ((first & 0x80) != 0) {
            return (first & 0x0F) == 0; // enhanced RTMP: PacketType SequenceStart
        }
        return body.getUnsignedByte(body.readerIndex() + 1) == 0;
    }

    /** Whether an audio tag body is an AAC sequence header (SoundFormat 10, AACPacketType 0). */
    public static boolean isAudioSequenceHeader(ByteBuf body) {
        return body.readableBytes() >= 2 && (body.getUnsignedByte(body.readerIndex()) >> 4) == 10
                && body.getUnsignedByte(body.readerIndex() + 1) == 0;
    }
}
