package io.lianmai.bench.load;

import java.time.Duration;

/**
 * What each simulated publisher sends: Opus-sized audio at 50 packets/s and video frames at a bitrate, frame rate
 * and keyframe interval, split into RTP packets of at most {@link #MAX_PAYLOAD} bytes, optionally in simulcast
 * layers (quarter, half and full bitrate, lowest first, as browsers send them).
 *
 * @param audioBitrate audio bits per second, 0 for no audio track
 * @param videoBitrate bits per second of the top video layer, 0 for no video track
 * @param fps video frames per second
 * @param keyframeInterval time between keyframes; a PLI also makes one
 * @param simulcastLayers 1..3
 * @param h264 H.264 (packetization-mode 1, FU-A) instead of VP8
 */
record MediaShape(long audioBitrate, long videoBitrate, int fps, Duration keyframeInterval, int simulcastLayers,
        boolean h264) {
    /** The largest RTP payload: a 1200-byte packet (libwebrtc's) with our 24-byte header. */
    static final int MAX_PAYLOAD = 1200 - SyntheticStream.HEADER_LENGTH;
    /** Audio: one packet every 20 ms, what Opus in WebRTC sends. */
    static final long AUDIO_INTERVAL_NANOS = 20_000_000L;
    /** A keyframe is this many times a delta frame, about what VP8 and H.264 encoders produce at these rates. */
    static final int KEYFRAME_WEIGHT = 4;

    boolean hasAudio() {
        return audioBitrate > 0;
    }

    boolean hasVideo() {
        return videoBitrate > 0;
    }

    /** Audio payload bytes per packet (at least room for the send time). */
    int audioPayload() {
        return (int) Math.max(SyntheticStream.STAMP_LENGTH + 2, audioBitrate / 50 / 8);
    }

    /** Bits per second of simulcast layer {@code layer} (0 = lowest). */
    long layerBitrate(int layer) {
        int fromTop = simulcastLayers - 1 - layer;
        return videoBitrate >> (2 * fromTop);
    }

    /** Bits per second of all video layers together, what one publisher's pacer paces. */
    long totalVideoBitrate() {
        long sum = 0;
        for (int i = 0; i < simulcastLayers; i++) {
            sum += layerBitrate(i);
        }
        return hasVideo() ? sum : 0;
    }

    /** Frames from one keyframe to the next. */
    int keyframeEveryFrames() {
        return (int) Math.max(1, keyframeInterval.toMillis() * fps / 1000);
    }

    /** Bytes of a delta frame of {@code layer}, so that the average with keyframes meets the bitrate. */
    int deltaFrameBytes(int layer) {
        long average = layerBitrate(layer) / 8 / fps;
        int k = keyframeEveryFrames();
        return (int) Math.max(64, average * k / (k - 1 + KEYFRAME_WEIGHT));
    }

    String describe() {
        StringBuilder out = new StringBuilder();
        if (hasVideo()) {
            out.append(h264 ? "H.264 " : "VP8 ").append(videoBitrate / 1000).append(" kbit/s ").append(fps)
                    .append(" fps, keyframe every ").append(keyframeInterval.toMillis()).append(" ms");
            if (simulcastLayers > 1) {
                out.append(", ").append(simulcastLayers).append(" simulcast layers");
            }
        }
        if (hasAudio()) {
            out.append(out.length() > 0 ? " + " : "").append("Opus-sized ").append(audioBitrate / 1000)
                    .append(" kbit/s");
        }
        return out.toString();
    }
}
