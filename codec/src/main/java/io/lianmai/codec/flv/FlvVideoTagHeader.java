package io.lianmai.codec.flv;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.common.BigEndian;

/**
 * The prefix of an FLV video tag body, which is also an RTMP video message body (Adobe FLV v10.1 §E.4.3.1,
 * VIDEODATA and AVCVIDEOPACKET): frame type and codec id in one byte, then for AVC the AVCPacketType and the
 * composition time offset (signed 24-bit milliseconds, PTS − DTS).
 *
 * <pre>
 * +--------+--------+--------+--------+--------+---------------------------------------------------------+
 * |FrmT|Cdc|AVCPktT | CompositionTime (SI24)   | AVCPktT 0: AVCDecoderConfigurationRecord                |
 * | 4b | 4b|   8b   |                          | AVCPktT 1: AVCC NAL units (NAL length size of the record) |
 * +--------+--------+--------+--------+--------+---------------------------------------------------------+
 * </pre>
 */
public final class FlvVideoTagHeader {
    /** Length of the AVC prefix. */
    public static final int AVC_LENGTH = 5;
    /** FrameType 1: keyframe. */
    public static final int FRAME_KEY = 1;
    /** FrameType 2: inter frame. */
    public static final int FRAME_INTER = 2;
    /** FrameType 5: video info/command frame. */
    public static final int FRAME_COMMAND = 5;
    /** CodecID 7: AVC (H.264). */
    public static final int CODEC_AVC = 7;
    /** AVCPacketType 0: sequence header (AVCDecoderConfigurationRecord). */
    public static final int AVC_SEQUENCE_HEADER = 0;
    /** AVCPacketType 1: NAL units. */
    public static final int AVC_NALU = 1;
    /** AVCPacketType 2: end of sequence. */
    public static final int AVC_END_OF_SEQUENCE = 2;

    private final int frameType;
    private final int codecId;
    private final int avcPacketType;
    private final int compositionTime;

    private FlvVideoTagHeader(int frameType, int codecId, int avcPacketType, int compositionTime) {
        this.frameType = frameType;
        this.codecId = codecId;
        this.avcPacketType = avcPacketType;
        this.compositionTime = compositionTime;
    }

    /**
     * Parses the prefix of the video tag body at {@code buf[off, off + len)}. {@link CodecException} if it is empty,
     * uses the enhanced RTMP extended header (top bit of the first byte), or is AVC and shorter than 5 bytes. For
     * other legacy codecs only frame type and codec id are filled ({@link #avcPacketType()} is -1).
     */
    public static FlvVideoTagHeader parse(byte[] buf, int off, int len) {
        if (len < 1) {
            throw new CodecException("empty FLV video tag body");
        }
        int first = buf[off] & 0xFF;
        if ((first & 0x80) != 0) {
            throw new CodecException("FLV video tag with an enhanced RTMP extended header");
        }
        int frameType = first >> 4;
        int codecId = first & 0x0F;
        if (codecId != CODEC_AVC) {
            return new FlvVideoTagHeader(frameType, codecId, -1, 0);
        }
        if (len < AVC_LENGTH) {
            throw new CodecException("FLV AVC video tag body shorter than 5 bytes: " + len);
        }
        int cts = BigEndian.u24(buf, off + 2);
        cts = (cts << 8) >> 8; // sign-extend SI24
        return new FlvVideoTagHeader(frameType, codecId, buf[off + 1] & 0xFF, cts);
    }

    /**
     * Writes the 5-byte AVC prefix at {@code dst[off]}; returns 5.
     *
     * @param keyframe frame type 1 (keyframe) or 2 (inter frame); sequence headers are written as keyframes
     * @param avcPacketType {@link #AVC_SEQUENCE_HEADER}, {@link #AVC_NALU} or {@link #AVC_END_OF_SEQUENCE}
     * @param compositionTime PTS − DTS in milliseconds (0 without B-frames), −2^23..2^23−1
     */
    public static int writeAvc(byte[] dst, int off, boolean keyframe, int avcPacketType, int compositionTime) {
        if (compositionTime < -0x80_0000 || compositionTime > 0x7F_FFFF) {
            throw new IllegalArgumentException("composition time out of SI24 range: " + compositionTime);
        }
        dst[off] = (byte) ((keyframe ? FRAME_KEY : FRAME_INTER) << 4 | CODEC_AVC);
        dst[off + 1] = (byte) avcPacketType;
        BigEndian.put24(dst, off + 2, compositionTime & 0xFF_FFFF);
        return AVC_LENGTH;
    }

    /** A whole AVC sequence header tag body: the prefix (keyframe, type 0, time 0) and the record. */
    public static byte[] sequenceHeaderBody(AvcDecoderConfigurationRecord record) {
        byte[] bytes = record.toBytes();
        byte[] body = new byte[AVC_LENGTH + bytes.length];
        writeAvc(body, 0, true, AVC_SEQUENCE_HEADER, 0);
        System.arraycopy(bytes, 0, body, AVC_LENGTH, bytes.length);
        return body;
    }

    /** A whole AVC NALU tag body: the prefix and the AVCC access unit at {@code au[off, off + len)}. */
    public static byte[] naluBody(boolean keyframe, int compositionTime, byte[] au, int off, int len) {
        byte[] body = new byte[AVC_LENGTH + len];
        writeAvc(body, 0, keyframe, AVC_NALU, compositionTime);
        System.arraycopy(au, off, body, AVC_LENGTH, len);
        return body;
    }

    /** FrameType: 1 keyframe, 2 inter frame, 3 disposable, 4 generated keyframe, 5 info/command. */
    public int frameType() {
        return frameType;
    }

    /** Whether the frame type is 1 (keyframe). */
    public boolean isKeyframe() {
        return frameType == FRAME_KEY;
    }

    /** CodecID: 7 for AVC. */
    public int codecId() {
        return codecId;
    }

    /** AVCPacketType (0, 1 or 2), or -1 for another codec. */
    public int avcPacketType() {
        return avcPacketType;
    }

    /** Composition time offset in milliseconds (0 for other codecs). */
    public int compositionTime() {
        return compositionTime;
    }
}
