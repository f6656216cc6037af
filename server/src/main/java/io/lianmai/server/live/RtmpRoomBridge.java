package io.lianmai.server.live;

import io.lianmai.auth.Privileges;
import io.lianmai.codec.CodecException;
import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.flv.FlvAudioTagHeader;
import io.lianmai.codec.flv.FlvVideoTagHeader;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.codec.h264.H264RtpPacketizer;
import io.lianmai.codec.transcode.AacToOpus;
import io.lianmai.common.LiveStreamName;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.live.flv.FlvTags;
import io.lianmai.media.LocalPublisher;
import io.lianmai.media.MediaPlane;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.room.Member;
import io.lianmai.room.Role;
import io.lianmai.room.Room;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomRegistry;
import io.lianmai.room.Scene;
import io.lianmai.server.cluster.RoomPlacement;
import io.lianmai.server.room.MediaOnlyMembers;
import io.lianmai.wire.rtcp.NtpTimestamp;
import io.lianmai.wire.rtp.RtpPacket;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTMP publisher made a room member's stream: H.264 access units are packetized into RTP as they arrive (on the
 * RTMP thread, no transcoding), AAC frames are transcoded to Opus on the bridge's serial executor, and only while
 * some player receives the stream. The stream is announced in the room once its codecs are known (both sequence
 * headers, or whatever arrived within {@link #CODEC_WAIT_MILLIS}).
 *
 * <p>The room member is the socket member of the same userID when there is one (a mini program that entered over
 * the signalling socket and pushes with its live-pusher); otherwise a member without a socket.
 */
final class RtmpRoomBridge {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpRoomBridge.class);
    static final int QUEUE_TASKS = 256;
    /** How long to wait for the second sequence header before publishing what arrived. */
    static final long CODEC_WAIT_MILLIS = 1_000;
    static final int OPUS_PAYLOAD_TYPE = 111;
    static final int H264_PAYLOAD_TYPE = 102;
    /** Each bridged track gets a sender report once a second, as from a WebRTC client: a new player has one soon. */
    static final long REPORT_INTERVAL_MILLIS = 1_000;

    private final String name;
    private final LiveStreamName cdn;
    private final String streamKey;
    private final MediaPlane media;
    private final RoomRegistry rooms;
    private final MediaOnlyMembers mediaOnlyMembers;
    private final RoomPlacement placement;
    private final SerialExecutor serial;
    /** What the publisher's credentials grant (its PrivateMapKey's privileges; all without one). */
    private final Privileges privileges;
    private final Clock clock;

    // RTMP thread (the hub calls in order for one stream).
    private byte[] body = new byte[64 * 1024];
    private AvcDecoderConfigurationRecord videoConfig;
    private AudioSpecificConfig audioConfig;
    private long firstMessageAt = -1;
    /** The capture clock of both tracks: FLV time {@code flvAnchor} was wall-clock time {@code wallAnchor}. */
    private volatile long flvAnchorMillis;
    private volatile long wallAnchorMillis;
    private long lastVideoReport = Long.MIN_VALUE / 2;
    private boolean publishing;
    private H264RtpPacketizer packetizer;
    private final VideoSink videoSink = new VideoSink();

    // Set once the local publisher exists (media thread), read by the RTMP thread and the serial executor.
    private volatile LocalPublisher publisher;
    private volatile int audioTrack = -1;
    private volatile int videoTrack = -1;
    private volatile boolean closed;

    // Serial executor only.
    private AacToOpus audio;
    private final byte[] opusPacket = new byte[RtpPacket.FIXED_HEADER_LENGTH + AacToOpus.MAX_FRAME_BYTES];
    private int opusSequence = ThreadLocalRandom.current().nextInt(0x10000);
    private final long opusTimestampOffset = ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL;
    private volatile long audioFramesTranscoded;
    private long lastAudioReport = Long.MIN_VALUE / 2;

    RtmpRoomBridge(String name, LiveStreamName cdn, String streamKey, MediaPlane media, RoomRegistry rooms,
            MediaOnlyMembers mediaOnlyMembers, RoomPlacement placement, SerialExecutor serial, Privileges privileges,
            Clock clock) {
        this.clock = clock;
        this.placement = placement;
        this.name = name;
        this.cdn = cdn;
        this.streamKey = streamKey;
        this.media = media;
        this.rooms = rooms;
        this.mediaOnlyMembers = mediaOnlyMembers;
        this.serial = serial;
        this.privileges = privileges;
    }

    /** One FLV message of the RTMP stream, on the RTMP thread; only reads {@code message}. */
    void onMessage(int type, long timestamp, ByteBuf message) {
        if (closed || (type != FlvTags.AUDIO && type != FlvTags.VIDEO)) {
            return;
        }
        int len = message.readableBytes();
        if (len > body.length) {
            body = new byte[Math.max(len, body.length * 2)];
        }
        message.getBytes(message.readerIndex(), body, 0, len);
        long now = clock.millis();
        if (firstMessageAt < 0) {
            firstMessageAt = now;
            flvAnchorMillis = timestamp;
            wallAnchorMillis = now;
        }
        try {
            if (type == FlvTags.VIDEO) {
                onVideo(timestamp, len);
            } else {
                onAudio(timestamp, len);
            }
        } catch (CodecException e) {
            // A malformed tag is the publisher's problem; the stream goes on with the next one.
            LOG.debug("{}: skipped a malformed tag: {}", name, e.getMessage());
        }
        boolean bothKnown = videoConfig != null && audioConfig != null;
        boolean waitedEnough = now - firstMessageAt >= CODEC_WAIT_MILLIS
                && (videoConfig != null || audioConfig != null);
        if (!publishing && (bothKnown || waitedEnough)) {
            publishing = true;
            startPublishing(videoConfig, audioConfig);
        }
    }

    private void onVideo(long timestamp, int len) {
        FlvVideoTagHeader header = FlvVideoTagHeader.parse(body, 0, len);
        if (header.codecId() != FlvVideoTagHeader.CODEC_AVC) {
            return; // only H.264 is bridged (HEVC and others stay on the CDN output)
        }
        if (header.avcPacketType() == FlvVideoTagHeader.AVC_SEQUENCE_HEADER) {
            AvcDecoderConfigurationRecord record = AvcDecoderConfigurationRecord.parse(body,
                    FlvVideoTagHeader.AVC_LENGTH, len - FlvVideoTagHeader.AVC_LENGTH);
            if (videoConfig == null) {
                videoConfig = record;
            }
            if (packetizer != null) {
                packetizer.setParameterSets(record);
            }
            return;
        }
        LocalPublisher target = publisher;
        int track = videoTrack;
        if (header.avcPacketType() != FlvVideoTagHeader.AVC_NALU || target == null || track < 0) {
            return;
        }
        long rtpTimestamp = (timestamp + header.compositionTime()) * 90;
        videoSink.target = target;
        videoSink.track = track;
        packetizer.packetizeAvcc(body, FlvVideoTagHeader.AVC_LENGTH, len - FlvVideoTagHeader.AVC_LENGTH,
                videoConfig.nalLengthSize(), rtpTimestamp, videoSink);
        long pts = timestamp + header.compositionTime();
        if (pts - lastVideoReport >= REPORT_INTERVAL_MILLIS || pts < lastVideoReport) {
            lastVideoReport = pts;
            target.senderReport(track, ntpAt(pts), rtpTimestamp);
        }
    }

    /**
     * The wall-clock instant, as an NTP timestamp, of FLV time {@code flvMillis}: both tracks are placed on the one
     * capture clock of the RTMP stream (its millisecond timestamps), anchored at the first message's arrival. So an
     * audio and a video sample with the same FLV time get the same NTP time, which is what receivers align.
     */
    private long ntpAt(long flvMillis) {
        return NtpTimestamp.fromUnixNanos((wallAnchorMillis + flvMillis - flvAnchorMillis) * 1_000_000L);
    }

    private void onAudio(long timestamp, int len) {
        FlvAudioTagHeader header = FlvAudioTagHeader.parse(body, 0, len);
        if (header.soundFormat() != FlvAudioTagHeader.FORMAT_AAC) {
            return; // only AAC is bridged
        }
        if (header.aacPacketType() == FlvAudioTagHeader.AAC_SEQUENCE_HEADER) {
            AudioSpecificConfig config = AudioSpecificConfig.parse(body, FlvAudioTagHeader.AAC_LENGTH,
                    len - FlvAudioTagHeader.AAC_LENGTH);
            if (audioConfig == null || !audioConfig.equals(config)) {
                audioConfig = config;
                serial.offer(() -> reopenAudio(config));
            }
            return;
        }
        if (publisher == null || audioTrack < 0 || media.playerCount(streamKey) == 0) {
            return; // nobody listens: no transcoding
        }
        byte[] frame = Arrays.copyOfRange(body, FlvAudioTagHeader.AAC_LENGTH, len);
        serial.offer(() -> transcodeAudio(frame, timestamp)); // a full queue drops the frame
    }

    private void startPublishing(AvcDecoderConfigurationRecord video, AudioSpecificConfig audioConfigAtStart) {
        List<RtpCodec> codecs = new ArrayList<>();
        int audioIndex = -1;
        int videoIndex = -1;
        // An aux stream is a screen share: video only in the room (its publisher was authorized for
        // send_aux_video, not send_audio), so its audio is not bridged.
        if (audioConfigAtStart != null && cdn.stream().type() != StreamType.AUX) {
            audioIndex = codecs.size();
            codecs.add(RtpCodec.of(OPUS_PAYLOAD_TYPE, "opus", 48_000, 2)
                    .withParameters(Map.of("minptime", "10", "useinbandfec", "1")));
        }
        if (video != null) {
            videoIndex = codecs.size();
            String profileLevelId = HexFormat.of().toHexDigits((byte) video.profileIndication())
                    + HexFormat.of().toHexDigits((byte) video.profileCompatibility())
                    + HexFormat.of().toHexDigits((byte) video.levelIndication());
            codecs.add(RtpCodec.of(H264_PAYLOAD_TYPE, "H264", 90_000, 0).withParameters(Map.of(
                    "level-asymmetry-allowed", "1", "packetization-mode", "1", "profile-level-id", profileLevelId)));
            packetizer = new H264RtpPacketizer(0, H264_PAYLOAD_TYPE, ThreadLocalRandom.current().nextInt(0x10000));
            packetizer.setParameterSets(video);
        }
        int audioAt = audioIndex;
        int videoAt = videoIndex;
        media.publishLocal(streamKey, codecs).whenComplete((local, failure) -> {
            if (failure != null) {
                LOG.warn("{}: cannot publish into the room: {}", name, failure.getMessage());
                return;
            }
            if (closed) {
                local.end();
                return;
            }
            audioTrack = audioAt;
            videoTrack = videoAt;
            publisher = local;
            serial.offer(() -> joinRoom(local, audioAt >= 0, videoAt >= 0));
        });
    }

    private void joinRoom(LocalPublisher local, boolean hasAudio, boolean hasVideo) {
        if (closed) {
            return;
        }
        RoomKey key = new RoomKey(cdn.app(), cdn.room().key());
        StreamType type = cdn.stream().type();
        UserId userId = cdn.stream().userId();
        boolean socketMember = rooms.find(key).flatMap(room -> room.member(userId))
                .filter(member -> member.isPresent() && !member.isRemote() && !mediaOnlyMembers.owns(member))
                .isPresent();
        // Its place in the room first, counted across the cluster's nodes (docs/cluster.md): a member of its own
        // takes a seat, and a first stream in an rtc room a place among the publishers.
        Scene scene = rooms.find(key).map(Room::scene).orElse(Scene.RTC);
        Runnable releaseSeat = socketMember ? () -> { } : () -> placement.releaseSeat(key, userId, scene, Role.ANCHOR);
        Future<Void> seat = socketMember ? Future.succeededFuture() : placement.takeSeat(key, userId, scene,
                Role.ANCHOR);
        seat.compose(taken -> placement.takePublishing(key, userId).onFailure(full -> releaseSeat.run()))
                .onComplete(place -> {
                    if (place.failed()) {
                        refused(local, key, place.cause());
                        return;
                    }
                    // Never dropped like a frame: a dropped entry would keep its places taken.
                    if (!serial.offerFinal(() -> enter(local, key, type, userId, hasAudio, hasVideo, releaseSeat))) {
                        releaseSeat.run();
                        placement.releasePublishing(key, userId);
                    }
                });
    }

    /** Publishes the stream as its user's in the room: its socket member's, or a member of its own. */
    private void enter(LocalPublisher local, RoomKey key, StreamType type, UserId userId, boolean hasAudio,
            boolean hasVideo, Runnable releaseSeat) {
        try {
            if (closed) {
                releaseSeat.run();
                return;
            }
            Optional<Member> socketMember = rooms.find(key).flatMap(room -> room.member(userId))
                    .filter(member -> member.isPresent() && !member.isRemote() && !mediaOnlyMembers.owns(member));
            if (socketMember.isPresent()) {
                releaseSeat.run(); // none needed (it entered meanwhile): nothing when none was taken
                Room room = socketMember.get().room();
                room.publish(socketMember.get(), type, local.sessionId(), hasAudio, hasVideo).ifPresent(media::end);
                LOG.info("RTMP stream {} is {}'s {} stream in room {}", name, userId, type, key);
            } else {
                mediaOnlyMembers.join(cdn.app(), cdn.room(), userId, privileges, type, local.sessionId(), hasAudio,
                        hasVideo);
                LOG.info("RTMP publisher {} joined room {} as {}", name, key, userId);
            }
        } catch (RuntimeException e) {
            releaseSeat.run(); // nothing when it entered first
            refused(local, key, e);
        } finally {
            placement.releasePublishing(key, userId); // what the publication did not use
        }
    }

    /** Refused by the room (limits, role): the stream stays available as live output only. */
    private void refused(LocalPublisher local, RoomKey key, Throwable cause) {
        LOG.warn("RTMP stream {} cannot be published in room {}: {}", name, key, cause.getMessage());
        local.end();
    }

    private void reopenAudio(AudioSpecificConfig config) {
        if (audio != null) {
            audio.close();
            audio = null;
        }
        if (closed) {
            return;
        }
        try {
            audio = new AacToOpus(config, AacToOpus.Config.DEFAULTS, this::onOpus);
        } catch (CodecException e) {
            LOG.warn("{}: AAC {} cannot be transcoded to Opus: {}", name, config, e.getMessage());
        }
    }

    private void transcodeAudio(byte[] frame, long timestampMillis) {
        if (audio != null && publisher != null && !closed) {
            try {
                audio.feed(frame, 0, frame.length, timestampMillis);
                audioFramesTranscoded++;
                if (timestampMillis - lastAudioReport >= REPORT_INTERVAL_MILLIS || timestampMillis < lastAudioReport) {
                    lastAudioReport = timestampMillis;
                    publisher.senderReport(audioTrack, ntpAt(timestampMillis),
                            audio.outputTimestamp(timestampMillis) + opusTimestampOffset);
                }
            } catch (CodecException e) {
                // The encoder failed on this frame (counted by the transcoder); the next one goes on.
            }
        }
    }

    /** One 20 ms Opus packet from the transcoder: an RTP packet of the audio track. */
    private void onOpus(byte[] buf, int off, int len, long timestamp) {
        if (len > opusPacket.length - RtpPacket.FIXED_HEADER_LENGTH) {
            return;
        }
        RtpPacket.writeFixedHeader(opusPacket, 0, false, OPUS_PAYLOAD_TYPE, opusSequence,
                timestamp + opusTimestampOffset, 0);
        opusSequence = (opusSequence + 1) & 0xFFFF;
        System.arraycopy(buf, off, opusPacket, RtpPacket.FIXED_HEADER_LENGTH, len);
        publisher.send(audioTrack, opusPacket, 0, RtpPacket.FIXED_HEADER_LENGTH + len);
    }

    /** AAC frames transcoded to Opus so far (none while nobody plays the stream). */
    long audioFramesTranscoded() {
        return audioFramesTranscoded;
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        LocalPublisher local = publisher;
        if (local != null) {
            local.end();
        }
        serial.offerFinal(() -> {
            if (audio != null) {
                audio.close();
                audio = null;
            }
        });
    }

    /** Hands packetized video to the local publisher (on the RTMP thread). */
    private static final class VideoSink implements io.lianmai.wire.rtp.RtpPacketSink {
        LocalPublisher target;
        int track;

        @Override
        public void onRtpPacket(byte[] buf, int off, int len) {
            target.send(track, buf, off, len);
        }
    }
}
