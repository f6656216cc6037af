package io.lianmai.codec.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;

import io.lianmai.codec.CodecException;
import java.util.Objects;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacpp.BytePointer;

/**
 * One reusable AVPacket over a growing native buffer: Java bytes are copied in with the zeroed padding FFmpeg's
 * decoders may read past the end (AV_INPUT_BUFFER_PADDING_SIZE). The packet is not reference-counted, so a decoder
 * copies what it keeps and the buffer can be refilled after {@code avcodec_send_packet} returns. Public for the
 * mixer ({@code codec.mix}); not an API outside this module.
 */
public final class PacketInput implements AutoCloseable {
    /** AVERROR(EAGAIN) on Linux, the only platform whose natives we ship. */
    public static final int EAGAIN = -11;
    private static final byte[] ZEROS = new byte[AV_INPUT_BUFFER_PADDING_SIZE];

    private final AVPacket packet;
    private BytePointer data;
    private int capacity;

    public PacketInput() {
        packet = av_packet_alloc();
        if (packet == null) {
            throw new CodecException("av_packet_alloc failed");
        }
    }

    /** The packet holding a copy of {@code buf[off, off + len)} with the given timestamps (in the codec time base). */
    public AVPacket wrap(byte[] buf, int off, int len, long pts) {
        Objects.checkFromIndexSize(off, len, buf.length); // JNI would copy past the array without this
        int needed = len + ZEROS.length;
        if (needed > capacity) {
            if (data != null) {
                data.close();
            }
            capacity = Math.max(needed, Math.max(4096, capacity * 2));
            data = new BytePointer(capacity);
        }
        data.position(len).put(ZEROS, 0, ZEROS.length);
        data.position(0).put(buf, off, len);
        packet.data(data);
        packet.size(len);
        packet.pts(pts);
        packet.dts(pts);
        packet.flags(0);
        return packet;
    }

    @Override
    public void close() {
        av_packet_free(packet);
        if (data != null) {
            data.close();
            data = null;
        }
    }
}
