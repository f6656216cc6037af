package io.lianmai.server.live;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.flv.FlvAudioTagHeader;
import io.lianmai.codec.flv.FlvVideoTagHeader;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.codec.h264.H264RtpDepacketizer;
import io.lianmai.codec.transcode.OpusToAac;
import io.lianmai.codec.transcode.Vp8ToH264;
import io.lianmai.codec.vp8.Vp8RtpDepacketizer;
import io.lianmai.live.flv.FlvTags;
import io.lianmai.live.flv.LiveStreamHub;
import io.lianmai.media.LocalPlayer;
import io.lianmai.media.LocalSink;
import io.lianmai.media.MediaPlane;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.media.sfu.PacketQueue;
import io.lianmai.wire.rtp.RtpPacket;
import io.netty.buffer.Unpooled;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room member's WebRTC stream made a live stream: a local player of the media plane receives its RTP; the bridge
 * depacketizes H.264 (passed through) or VP8 (transcoded to H.264) and transcodes Opus to AAC, and feeds the FLV tags
 * to the {@link LiveStreamHub} under the CDN stream name, where FLV, HLS, RTMP players and CDN relays take them.
 *
 * <p>Packets cross from the media loop to the bridge's serial executor through preallocated queues; all codec
 * work runs on the executor.
 */
final class RoomLiveBridge implements LocalSink {
    private static final Logger LOG = LoggerFactory.getLogger(RoomLiveBridge.class);
    static final int QUEUE_TASKS = 16;
    private static final int QUEUE_PACKETS = 1024;
    private static final long KEYFRAME_REQUEST_MILLIS = 500;
    /** Audio waits this long (from the bridge's start) for the first video keyframe before going out alone. */
    private static final long VIDEO_WAIT_MILLIS = 3_000;
    /**
     * Packets of each track one drain handles before it turns to the other and yields. Transcoding video can be slower
     * than real time (a busy machine, a cold start); a drain that waited for an empty video queue then never reached
     * the audio, and FLV/HLS players got none at all.
     */
    private static final int PACKETS_PER_DRAIN = 64;
    /** Audio moves to line up with video only by more than this (under an AAC frame; viewers notice 45 ms). */
    static final long LIP_SYNC_TOLERANCE_MILLIS = 15;
    /** Sender reports that would move the audio further than this from its arrival-time place are not used. */
    static final long MAX_LIP_SYNC_MOVE_MILLIS = 1_000;
    /** Opus RTP runs at 48 kHz whatever the sampling rate (RFC 7587 §4.1). */
    private static final long OPUS_TICKS_PER_SECOND = 48_000;

    private final String name;
    private final String streamKey;
    private final LiveStreamHub hub;
    private final MediaPlane media;
    private final SerialExecutor serial;
    private final Consumer<RoomLiveBridge> onEnded;
    private final Clock clock;
    private final long startedAt;
    private final PacketQueue audioQueue = new PacketQueue(QUEUE_PACKETS);
    private final PacketQueue videoQueue = new PacketQueue(QUEUE_PACKETS);
    /** Reads the audio packets' headers; used on the drain, one packet at a time. */
    private final RtpPacket audioRtp = new RtpPacket();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    private volatile LocalPlayer player;
    private volatile int audioTrack = -1;
    private volatile int videoTrack = -1;
    private volatile String videoCodec;
    private volatile boolean closed;
    /** Each track's latest sender report, {NTP, RTP} in this player's timestamp space (from the media loop). */
    private volatile long[] audioReport;
    private volatile long[] videoReport;

    // Serial executor only.
    private H264RtpDepacketizer h264;
    private Vp8RtpDepacketizer vp8;
    private Vp8ToH264 vp8ToH264;
    private OpusToAac opusToAac;
    private AvcDecoderConfigurationRecord sentVideoConfig;
    private boolean sentAudioConfig;
    /** Added to the AAC timeline (which starts at 0) to place it on the bridge's clock; negative after a move. */
    private long audioOffsetMillis;
    private boolean audioPlaced;
    /** Where the first audio packet's arrival placed the audio. */
    private long arrivalOffsetMillis;
    private long implausibleReports;
    private long lastKeyframeRequest = Long.MIN_VALUE / 2;
    private final TrackClock videoClock = new TrackClock(90_000);
    private long[] syncedAudioReport;
    private long[] syncedVideoReport;
    private final CaptureClock audioCapture = new CaptureClock(OPUS_TICKS_PER_SECOND);
    private final CaptureClock videoCapture = new CaptureClock(90_000);
    private long lastAudioMillis = Long.MIN_VALUE;
    private volatile long lipSyncShifts;

    RoomLiveBridge(String name, String streamKey, LiveStreamHub hub, MediaPlane media, SerialExecutor serial,
            Clock clock, Consumer<RoomLiveBridge> onEnded) {
        this.clock = clock;
        this.startedAt = clock.millis();
        this.name = name;
        this.streamKey = streamKey;
        this.hub = hub;
        this.media = media;
        this.serial = serial;
        this.onEnded = onEnded;
    }

    String name() {
        return name;
    }

    void start() {
        media.playLocal(streamKey, this).whenComplete((local, failure) -> {
            if (failure != null) {
                LOG.info("live output {}: {} cannot be played: {}", name, streamKey, failure.getMessage());
                onEnded.accept(this);
            } else if (closed) {
                local.end();
            } else {
                player = local;
            }
        });
    }

    // ---- media loop ----

    @Override
    public void onStart(List<RtpCodec> tracks) {
        for (int i = 0; i < tracks.size(); i++) {
            String codec = tracks.get(i).name();
            if (codec.equalsIgnoreCase("opus") && audioTrack < 0) {
                audioTrack = i;
            } else if ((codec.equalsIgnoreCase("H264") || codec.equalsIgnoreCase("VP8")) && videoTrack < 0) {
                videoTrack = i;
                videoCodec = codec.toUpperCase(java.util.Locale.ROOT);
            }
        }
        serial.offer(this::openCodecs);
    }

    @Override
    public void onRtp(int track, byte[] buf, int off, int len) {
        PacketQueue queue = track == videoTrack ? videoQueue : track == audioTrack ? audioQueue : null;
        if (queue == null || closed) {
            return;
        }
        queue.offer(buf, off, len); // a full queue (the transcoder is far behind) drops the packet
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true) && !serial.offer(drain)) {
            drainScheduled.set(false);
        }
    }

    @Override
    public void onSenderReport(int track, long ntpTimestamp, long rtpTimestamp) {
        if (track == audioTrack) {
            audioReport = new long[] {ntpTimestamp, rtpTimestamp}; // about once a second
        } else if (track == videoTrack) {
            videoReport = new long[] {ntpTimestamp, rtpTimestamp};
        }
    }

    @Override
    public void onEnd() {
        closed = true;
        serial.offerFinal(this::closeCodecs);
        onEnded.accept(this);
    }

    // ---- serial executor ----

    private void openCodecs() {
        if (closed) {
            return;
        }
        try {
            if (audioTrack >= 0) {
                // Open now so the AAC configuration can go out with the video one (HLS and FLV players want both
                // before the first frames); the first packet's arrival time is added to its timestamps.
                opusToAac = new OpusToAac(OpusToAac.Config.DEFAULTS, this::onAac);
            }
            if ("H264".equals(videoCodec)) {
                h264 = new H264RtpDepacketizer(this::onH264);
            } else if ("VP8".equals(videoCodec)) {
                vp8ToH264 = new Vp8ToH264(Vp8ToH264.Config.DEFAULTS, this::onTranscodedH264);
                vp8 = new Vp8RtpDepacketizer((buf, off, len, timestamp, keyframe, width, height) ->
                        vp8ToH264.feed(buf, off, len, timestamp));
            }
        } catch (CodecException e) {
            LOG.warn("live output {}: cannot open codecs: {}", name, e.getMessage());
        }
    }

    private void drain() {
        drainScheduled.set(false);
        if (closed) {
            // A stopped bridge writes nothing more: a new bridge of the same name may already be live in the hub,
            // and this one's backlog (another encoder's SPS/PPS) would go into its stream.
            return;
        }
        long now = clock.millis() - startedAt;
        for (int i = 0; i < PACKETS_PER_DRAIN && !closed && !videoQueue.isEmpty(); i++) {
            byte[] packet = videoQueue.peekBuffer();
            int len = videoQueue.peekLength();
            try {
                if (h264 != null) {
                    h264.push(packet, 0, len);
                } else if (vp8 != null) {
                    vp8.push(packet, 0, len);
                }
            } catch (CodecException e) {
                LOG.debug("live output {}: video packet skipped: {}", name, e.getMessage());
            }
            videoQueue.pop();
        }
        for (int i = 0; i < PACKETS_PER_DRAIN && !audioQueue.isEmpty(); i++) {
            byte[] packet = audioQueue.peekBuffer();
            int len = audioQueue.peekLength();
            if (opusToAac != null && !closed) {
                try {
                    feedAudio(packet, len, now);
                } catch (CodecException e) {
                    LOG.debug("live output {}: audio packet skipped: {}", name, e.getMessage());
                }
            }
            audioQueue.pop();
        }
        lipSync();
        // After loss the depacketizer drops frames until a keyframe: ask for one (the publisher side rate-limits).
        boolean waiting = h264 != null ? h264.isWaitingForKeyframe() : vp8 != null && vp8.isWaitingForKeyframe();
        LocalPlayer local = player;
        if (waiting && local != null && now - lastKeyframeRequest >= KEYFRAME_REQUEST_MILLIS) {
            lastKeyframeRequest = now;
            local.requestKeyframe();
        }
        if (!closed && (!videoQueue.isEmpty() || !audioQueue.isEmpty())) {
            scheduleDrain(); // the rest after the other tasks of this executor
        }
    }

    private void onH264(byte[] buf, int off, int len, long rtpTimestamp, boolean keyframe) {
        long millis = videoClock.millis(rtpTimestamp, clock.millis() - startedAt);
        AvcDecoderConfigurationRecord config = h264.sequenceHeader();
        if (config == null) {
            return;
        }
        writeVideo(config, buf, off, len, keyframe, millis);
    }

    private void onTranscodedH264(byte[] buf, int off, int len, long rtpTimestamp, boolean keyframe) {
        long millis = videoClock.millis(rtpTimestamp, clock.millis() - startedAt);
        AvcDecoderConfigurationRecord config = vp8ToH264.sequenceHeader();
        if (config != null) {
            writeVideo(config, buf, off, len, keyframe, millis);
        }
    }

    private void writeVideo(AvcDecoderConfigurationRecord config, byte[] buf, int off, int len, boolean keyframe,
            long millis) {
        if (closed) {
            return;
        }
        if (sentVideoConfig == null || !sentVideoConfig.equals(config)) {
            if (!keyframe) {
                return; // a new configuration starts at a keyframe
            }
            sentVideoConfig = config;
            hub.onMessage(name, FlvTags.VIDEO, millis,
                    Unpooled.wrappedBuffer(FlvVideoTagHeader.sequenceHeaderBody(config)));
            sendAudioConfig(millis);
        }
        hub.onMessage(name, FlvTags.VIDEO, millis,
                Unpooled.wrappedBuffer(FlvVideoTagHeader.naluBody(keyframe, 0, buf, off, len)));
    }

    private void feedAudio(byte[] packet, int len, long nowMillis) {
        if (!audioRtp.wrap(packet, 0, len) || audioRtp.payloadLength() <= 0) {
            return;
        }
        int payload = audioRtp.payloadOffset();
        int payloadLength = audioRtp.payloadLength();
        long timestamp = audioRtp.timestamp();
        if (!audioPlaced) {
            audioPlaced = true;
            // The first packet lands at its arrival time on the bridge's clock, like the first video frame.
            audioOffsetMillis = nowMillis;
            arrivalOffsetMillis = nowMillis;
        }
        opusToAac.feed(packet, payload, payloadLength, timestamp);
    }

    /**
     * Lines audio up with video by their capture clocks (RFC 3550 §6.4.1): once both tracks have a sender report, the
     * audio sample captured at the instant of the latest video report's RTP timestamp gets that frame's FLV time.
     * Video keeps its timeline (first frame at its arrival); audio, placed by its own first packet's arrival until
     * then, moves when it is more than {@value #LIP_SYNC_TOLERANCE_MILLIS} ms away — a track delayed on its way (a
     * jitter buffer, a transcoder, a longer network path) would otherwise stay that far off for the whole stream — but
     * never more than {@value #MAX_LIP_SYNC_MOVE_MILLIS} ms from where its arrival placed it.
     */
    private void lipSync() {
        long[] audio = audioReport;
        long[] video = videoReport;
        if (audio != null && audio != syncedAudioReport) {
            syncedAudioReport = audio;
            audioCapture.onReport(audio[0], audio[1]);
        }
        if (video == null || video == syncedVideoReport) {
            return;
        }
        syncedVideoReport = video;
        videoCapture.onReport(video[0], video[1]);
        if (!audioCapture.known() || opusToAac == null || !audioPlaced || !videoClock.started()) {
            return;
        }
        long audioRtp = audioCapture.rtpAt(videoCapture.captureMillis(video[1]));
        long offset = videoClock.millisAt(video[1]) - opusToAac.outputMillis(audioRtp);
        if (Math.abs(offset - arrivalOffsetMillis) > MAX_LIP_SYNC_MOVE_MILLIS) {
            // Reports that would move the audio further than any path delays a track: not on the packets' clocks
            // (a sender whose video reports come from another clock). Arrival times keep placing the audio.
            if (implausibleReports++ == 0) {
                LOG.warn("live output {}: sender reports would move the audio {} ms from where it arrived: ignored",
                        name, offset - arrivalOffsetMillis);
            }
            return;
        }
        if (Math.abs(offset - audioOffsetMillis) > LIP_SYNC_TOLERANCE_MILLIS) {
            LOG.debug("live output {}: audio moves {} ms to line up with video", name, offset - audioOffsetMillis);
            audioOffsetMillis = offset;
            lipSyncShifts++;
        }
    }

    /** How often the audio was moved to line up with the video by the tracks' sender reports. */
    long lipSyncShifts() {
        return lipSyncShifts;
    }

    private void onAac(byte[] buf, int off, int len, long outputMillis) {
        long millis = outputMillis + audioOffsetMillis;
        if (closed || millis < 0 || millis < lastAudioMillis) {
            return; // audio moved back to line up with the video: what it already sent is not sent twice
        }
        lastAudioMillis = millis;
        if (videoTrack >= 0 && sentVideoConfig == null && millis < VIDEO_WAIT_MILLIS) {
            // Players fix their track list when they open the stream: the video configuration goes out first.
            return;
        }
        sendAudioConfig(millis);
        hub.onMessage(name, FlvTags.AUDIO, millis, Unpooled.wrappedBuffer(FlvAudioTagHeader.rawBody(buf, off, len)));
    }

    private void sendAudioConfig(long millis) {
        if (!sentAudioConfig && opusToAac != null) {
            sentAudioConfig = true;
            hub.onMessage(name, FlvTags.AUDIO, millis,
                    Unpooled.wrappedBuffer(FlvAudioTagHeader.sequenceHeaderBody(opusToAac.audioSpecificConfig())));
        }
    }

    private void closeCodecs() {
        if (opusToAac != null) {
            opusToAac.close();
            opusToAac = null;
        }
        if (vp8ToH264 != null) {
            vp8ToH264.close();
            vp8ToH264 = null;
        }
        h264 = null;
        vp8 = null;
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        LocalPlayer local = player;
        if (local != null) {
            local.end();
        }
        serial.offerFinal(this::closeCodecs);
    }

    /**
     * Maps one track's RTP timestamps to FLV milliseconds on the bridge's clock: the first packet lands at its
     * arrival time, later ones follow their RTP timestamps (unwrapped), so audio and video line up as they arrived.
     */
    private static final class TrackClock {
        private final long ticksPerSecond;
        private boolean started;
        private long lastTimestamp;
        private long extended;
        private long baseMillis;

        TrackClock(long ticksPerSecond) {
            this.ticksPerSecond = ticksPerSecond;
        }

        boolean started() {
            return started;
        }

        /** The milliseconds {@code rtpTimestamp} (near the latest one) maps to, without moving the clock. */
        long millisAt(long rtpTimestamp) {
            long at = extended + (int) (rtpTimestamp - lastTimestamp);
            return baseMillis + at * 1000 / ticksPerSecond;
        }

        long millis(long rtpTimestamp, long arrivalMillis) {
            if (!started) {
                started = true;
                lastTimestamp = rtpTimestamp;
                baseMillis = arrivalMillis;
            }
            int delta = (int) (rtpTimestamp - lastTimestamp);
            extended += delta;
            lastTimestamp = rtpTimestamp;
            return Math.max(0, baseMillis + extended * 1000 / ticksPerSecond);
        }
    }
}
