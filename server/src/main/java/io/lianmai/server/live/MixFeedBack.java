package io.lianmai.server.live;

import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.codec.h264.H264RtpPacketizer;
import io.lianmai.common.LiveStreamName;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamType;
import io.lianmai.media.LocalPublisher;
import io.lianmai.media.MediaPlane;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.server.room.MediaOnlyMembers;
import io.lianmai.wire.rtcp.NtpTimestamp;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.RtpPacketSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mix pushed back into a room as a member ({@code FeedBackRoomParams}): the mixer's H.264 pictures and Opus packets
 * become the RTP of a {@link LocalPublisher}, which the media plane forwards to the room's players like any
 * publisher's, and the member joins the room (socketless, {@link io.lianmai.room.ClientKind#MIX}) so that the others
 * see it enter and publish. Both tracks get an RTCP sender report a second, on the mixer's one output timeline
 * ({@link io.lianmai.codec.mix.Mixer#outputOriginMillis()}), so that players keep them in sync.
 *
 * <p>Threads: everything but the keyframe flag runs on the mix task's thread; the publisher's ending (its member
 * leaving) comes from the media plane.
 */
final class MixFeedBack {
    private static final Logger LOG = LoggerFactory.getLogger(MixFeedBack.class);
    static final int OPUS_PAYLOAD_TYPE = 111;
    static final int H264_PAYLOAD_TYPE = 102;
    private static final int AUDIO_TRACK = 0;
    private static final int VIDEO_TRACK = 1;
    /** A sender report a second per track, as from a WebRTC client. */
    private static final long REPORT_INTERVAL_MILLIS = 1_000;
    /** The largest Opus packet the mixer makes (20 ms at up to 512 kbit/s is 1280 bytes) and some. */
    private static final int MAX_OPUS_BYTES = 1500;

    private final String name;
    private final MixSpec.FeedBack target;
    private final LiveStreamName streamName;
    private final MediaPlane media;
    private final MediaOnlyMembers members;
    private final Executor taskThread;
    private final H264RtpPacketizer packetizer;
    private final byte[] opusPacket = new byte[RtpPacket.FIXED_HEADER_LENGTH + MAX_OPUS_BYTES];
    private final long videoTimestampOffset = ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL;
    private final long audioTimestampOffset = ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL;
    private final VideoSink videoSink = new VideoSink();
    private volatile boolean keyframeWanted;
    private volatile boolean closed;

    // Task thread only.
    private LocalPublisher publisher;
    private AvcDecoderConfigurationRecord parameterSets;
    private int opusSequence = ThreadLocalRandom.current().nextInt(0x10000);
    private long lastVideoReport = Long.MIN_VALUE / 2;
    private long lastAudioReport = Long.MIN_VALUE / 2;
    private long packetsDropped;

    /**
     * @param name the mix's name, for logs
     * @param taskThread the mix task's thread: where the member joins once its media session exists
     */
    MixFeedBack(String name, MixSpec spec, MediaPlane media, MediaOnlyMembers members, Executor taskThread) {
        this.name = name;
        this.target = spec.feedBack().orElseThrow();
        this.streamName = new LiveStreamName(spec.app(), target.room(), StreamId.of(target.userId(), StreamType.MAIN));
        this.media = media;
        this.members = members;
        this.taskThread = taskThread;
        this.packetizer = new H264RtpPacketizer(0, H264_PAYLOAD_TYPE, ThreadLocalRandom.current().nextInt(0x10000));
    }

    /**
     * Publishes the two tracks and, once the media plane has the session, enters the member into its room; the
     * profile-level-id is Constrained Baseline 3.1, what the mixer's encoder makes and every WebRTC client decodes.
     */
    void start() {
        List<RtpCodec> codecs = List.of(
                RtpCodec.of(OPUS_PAYLOAD_TYPE, "opus", 48_000, 2).withParameters(Map.of("minptime", "10",
                        "useinbandfec", "1")),
                RtpCodec.of(H264_PAYLOAD_TYPE, "H264", 90_000, 0).withParameters(Map.of("level-asymmetry-allowed",
                        "1", "packetization-mode", "1", "profile-level-id", "42e01f")));
        media.publishLocal(streamName.streamKey().toString(), codecs).whenComplete((local, failure) -> {
            if (failure != null) {
                LOG.warn("mix {}: cannot publish into room {} as {}: {}", name, target.room(), target.userId(),
                        failure.getMessage());
                return;
            }
            local.onKeyframeRequest(() -> keyframeWanted = true);
            taskThread.execute(() -> join(local));
        });
    }

    private void join(LocalPublisher local) {
        if (closed) {
            local.end();
            return;
        }
        try {
            members.join(streamName.app(), target.room(), target.userId(), target.privileges(), StreamType.MAIN,
                    local.sessionId(), true, true);
            publisher = local;
            keyframeWanted = true;
            LOG.info("mix {}: published into room {} as {}", name, target.room(), target.userId());
        } catch (RuntimeException e) {
            // Refused by the room (its limits, a role): the mix goes on without this output. join ended the session.
            LOG.warn("mix {}: cannot enter room {} as {}: {}", name, target.room(), target.userId(), e.getMessage());
        }
    }

    /** Whether a player asked for a keyframe since the last call (then the mixer should make one). */
    boolean takeKeyframeRequest() {
        if (keyframeWanted && publisher != null) {
            keyframeWanted = false;
            return true;
        }
        return false;
    }

    /** One encoded picture (AVCC, 4-byte lengths), 90 kHz from the output origin. */
    void onVideo(byte[] buf, int off, int len, long timestamp, AvcDecoderConfigurationRecord config,
            double originMillis) {
        LocalPublisher local = publisher;
        if (local == null || config == null) {
            return;
        }
        if (!config.equals(parameterSets)) {
            parameterSets = config;
            packetizer.setParameterSets(config);
        }
        long rtp = (timestamp + videoTimestampOffset) & 0xFFFF_FFFFL;
        videoSink.target = local;
        packetizer.packetizeAvcc(buf, off, len, 4, rtp, videoSink);
        long millis = timestamp / 90;
        if (millis - lastVideoReport >= REPORT_INTERVAL_MILLIS || millis < lastVideoReport) {
            lastVideoReport = millis;
            local.senderReport(VIDEO_TRACK, ntpAt(originMillis + timestamp / 90.0), rtp);
        }
    }

    /** One 20 ms Opus packet, 48 kHz from the output origin. */
    void onOpus(byte[] buf, int off, int len, long timestamp, double originMillis) {
        LocalPublisher local = publisher;
        if (local == null || len > MAX_OPUS_BYTES) {
            return;
        }
        long rtp = (timestamp + audioTimestampOffset) & 0xFFFF_FFFFL;
        RtpPacket.writeFixedHeader(opusPacket, 0, false, OPUS_PAYLOAD_TYPE, opusSequence, rtp, 0);
        opusSequence = (opusSequence + 1) & 0xFFFF;
        System.arraycopy(buf, off, opusPacket, RtpPacket.FIXED_HEADER_LENGTH, len);
        if (!local.send(AUDIO_TRACK, opusPacket, 0, RtpPacket.FIXED_HEADER_LENGTH + len)) {
            packetsDropped++;
        }
        long millis = timestamp / 48;
        if (millis - lastAudioReport >= REPORT_INTERVAL_MILLIS || millis < lastAudioReport) {
            lastAudioReport = millis;
            local.senderReport(AUDIO_TRACK, ntpAt(originMillis + timestamp / 48.0), rtp);
        }
    }

    /** The wall-clock instant of mixer-clock milliseconds {@code millis} (the mixer clock is the server's). */
    private static long ntpAt(double millis) {
        return NtpTimestamp.fromUnixNanos(Math.round(millis * 1_000_000));
    }

    /** Ends the session: the member leaves its room. Task thread. */
    void close() {
        closed = true;
        LocalPublisher local = publisher;
        publisher = null;
        if (local != null) {
            LOG.info("mix {}: leaves room {} as {} ({} audio packets dropped)", name, target.room(), target.userId(),
                    packetsDropped);
            local.end();
        }
    }

    /** Hands packetized video to the publisher, counting what its queue refuses. */
    private final class VideoSink implements RtpPacketSink {
        LocalPublisher target;

        @Override
        public void onRtpPacket(byte[] buf, int off, int len) {
            if (!target.send(VIDEO_TRACK, buf, off, len)) {
                packetsDropped++;
            }
        }
    }
}
