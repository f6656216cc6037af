package io.lianmai.codec.vp8;

import io.lianmai.codec.rtp.RtpDepacketizer;
import io.lianmai.wire.vp8.Vp8PayloadDescriptor;
import java.util.Arrays;

/**
 * Reassembles VP8 frames from RTP packets (RFC 7741): a frame starts at a packet with S=1 and partition index 0
 * (§4.2), its payloads after the descriptors are concatenated, and it ends at the marker bit or when a packet with a
 * new timestamp arrives. Keyframes are recognised and their picture size read from the frame header (RFC 6386 §9.1).
 *
 * <p>Loss handling: a sequence number gap, a frame that does not begin with a start packet, a malformed descriptor, a
 * keyframe with a broken header or a frame larger than the limit makes the depacketizer drop the damaged frame and
 * everything after it until a complete keyframe arrives; it calls {@link Vp8FrameListener#onKeyframeNeeded()} when it
 * starts waiting. A stream also starts in that state, so the first frame delivered is a keyframe.
 *
 * <p>Packets must come in sequence order (after a reorder/NACK buffer); a late or duplicate packet is ignored and
 * counted. Nothing is allocated per packet once the frame buffer has grown to the largest frame. Not thread-safe: one
 * owner thread.
 */
public final class Vp8RtpDepacketizer extends RtpDepacketizer {
    /** Default largest frame: 4 MiB, far above any real-time VP8 keyframe. */
    public static final int DEFAULT_MAX_FRAME = 4 * 1024 * 1024;

    private final Vp8FrameListener listener;
    private final int maxFrame;

    private byte[] frame = new byte[64 * 1024];
    private int frameLength;
    private long frameTimestamp;
    private boolean frameActive;
    private boolean frameDamaged;
    private int width;
    private int height;

    private long frames;
    private long droppedFrames;

    /** A depacketizer with the default frame size limit. */
    public Vp8RtpDepacketizer(Vp8FrameListener listener) {
        this(listener, DEFAULT_MAX_FRAME);
    }

    /** A depacketizer that drops frames larger than {@code maxFrameBytes}. */
    public Vp8RtpDepacketizer(Vp8FrameListener listener, int maxFrameBytes) {
        super(listener::onKeyframeNeeded);
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("frame limit too small: " + maxFrameBytes);
        }
        this.listener = listener;
        this.maxFrame = maxFrameBytes;
    }

    @Override
    protected void onGap() {
        if (frameActive) {
            frameDamaged = true;
        }
    }

    @Override
    protected void onPayload(long ts, boolean marker, byte[] payload, int off, int len) {
        int descriptor = Vp8PayloadDescriptor.length(payload, off, len);
        if (frameActive && ts != frameTimestamp) {
            completeFrame();
        }
        if (descriptor < 0) {
            countMalformed();
            if (frameActive) {
                frameDamaged = true;
            } else {
                startWaiting();
            }
        } else if (Vp8PayloadDescriptor.isStartOfFrame(payload, off, len)) {
            if (frameActive) {
                frameDamaged = true; // a second start within one timestamp
                completeFrame();
            }
            frameActive = true;
            frameTimestamp = ts;
            append(payload, off + descriptor, len - descriptor);
        } else if (!frameActive) {
            // the frame's start was lost; its remainder is useless
            frameActive = true;
            frameTimestamp = ts;
            frameDamaged = true;
        } else if (!frameDamaged) {
            append(payload, off + descriptor, len - descriptor);
        }
        if (marker && frameActive) {
            completeFrame();
        }
    }

    private void append(byte[] buf, int off, int len) {
        long needed = (long) frameLength + len;
        if (needed > maxFrame) {
            frameDamaged = true;
            return;
        }
        if (needed > frame.length) {
            frame = Arrays.copyOf(frame, (int) Math.min(maxFrame, Math.max(needed, 2L * frame.length)));
        }
        System.arraycopy(buf, off, frame, frameLength, len);
        frameLength += len;
    }

    private void completeFrame() {
        boolean keyframe = Vp8FrameHeader.isKeyframe(frame, 0, frameLength);
        boolean damaged = frameDamaged || frameLength < 3
                || keyframe && !Vp8FrameHeader.isValidKeyframe(frame, 0, frameLength);
        if (damaged) {
            droppedFrames++;
            startWaiting();
            resetFrame();
            return;
        }
        if (keyframe) {
            width = Vp8FrameHeader.width(frame, 0);
            height = Vp8FrameHeader.height(frame, 0);
        }
        if (isWaitingForKeyframe()) {
            if (!keyframe) {
                droppedFrames++;
                requestKeyframe();
                resetFrame();
                return;
            }
            endWaiting();
        }
        frames++;
        int length = frameLength;
        long ts = frameTimestamp;
        resetFrame();
        listener.onVp8Frame(frame, 0, length, ts, keyframe, width, height);
    }

    private void resetFrame() {
        frameActive = false;
        frameDamaged = false;
        frameLength = 0;
    }

    @Override
    protected void forgetFrame() {
        resetFrame();
    }

    /** Frames delivered. */
    public long frames() {
        return frames;
    }

    /** Frames dropped as damaged, or while waiting for a keyframe. */
    public long droppedFrames() {
        return droppedFrames;
    }
}
