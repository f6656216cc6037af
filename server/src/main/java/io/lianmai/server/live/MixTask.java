package io.lianmai.server.live;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.flv.FlvAudioTagHeader;
import io.lianmai.codec.flv.FlvVideoTagHeader;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.codec.h264.H264RtpDepacketizer;
import io.lianmai.codec.mix.AudioOutput;
import io.lianmai.codec.mix.MixInput;
import io.lianmai.codec.mix.Mixer;
import io.lianmai.codec.vp8.Vp8RtpDepacketizer;
import io.lianmai.common.StreamType;
import io.lianmai.live.flv.FlvTags;
import io.lianmai.live.flv.LiveStreamHub;
import io.lianmai.media.LocalPlayer;
import io.lianmai.media.LocalSink;
import io.lianmai.media.MediaPlane;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.media.sfu.PacketQueue;
import io.lianmai.server.room.MediaOnlyMembers;
import io.lianmai.wire.rtcp.NtpTimestamp;
import io.lianmai.wire.rtp.RtpPacket;
import io.netty.buffer.Unpooled;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running MCU mix ({@code StartMCUMixTranscode}): plays each chosen member's streams in-process (the main stream:
 * camera and microphone, as the spec selects them; the aux stream: the screen share, where the layout shows it), feeds the
 * depacketized video and the Opus audio into a {@link Mixer} with their arrival times and sender-report clock
 * mappings, ticks the mixer at the output frame rate, and publishes the H.264 + AAC output into the
 * {@link LiveStreamHub} under {@link MixSpec#streamName} (so FLV, HLS, RTMP players and CDN relays take it) and,
 * with a {@link MixSpec#feedBack} member, H.264 + Opus into that member's room ({@link MixFeedBack}).
 *
 * <p>Threads: the media loop calls the members' {@link LocalSink} methods, which only copy packets into preallocated
 * queues; everything else (depacketizing, the mixer, the hub) runs on the task's own single thread.
 */
final class MixTask {
    private static final Logger LOG = LoggerFactory.getLogger(MixTask.class);
    private static final int QUEUE_PACKETS = 1024;
    private static final long KEYFRAME_REQUEST_MILLIS = 500;

    private final MixSpec spec0;
    private final LiveStreamHub hub;
    private final MediaPlane media;
    private final MediaOnlyMembers feedBackMembers;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private volatile MixSpec spec;
    private volatile List<Published> wanted = List.of();
    private volatile boolean closed;

    // Task thread only.
    /** The images the current layout shows (their placeholders; the background is {@code spec0}'s). */
    private MixImages shownImages;
    private Mixer mixer;
    private AudioOutput aac;
    private MixFeedBack feedBack;
    private AvcDecoderConfigurationRecord sentVideoConfig;
    private boolean sentAudioConfig;
    private long lastAudioMillis = Long.MIN_VALUE;
    private long lastVideoMillis = Long.MIN_VALUE;

    /**
     * @param spec what to mix; the task owns its images from here (and frees them when it closes)
     * @param feedBackMembers where a {@link MixSpec#feedBack} member enters its room
     * @param thread this task's own single thread; the task shuts it down when it stops
     */
    MixTask(MixSpec spec, LiveStreamHub hub, MediaPlane media, MediaOnlyMembers feedBackMembers, Clock clock,
            ScheduledExecutorService thread) {
        this.spec0 = spec;
        this.shownImages = spec.images();
        this.spec = spec;
        this.hub = hub;
        this.media = media;
        this.feedBackMembers = feedBackMembers;
        this.clock = clock;
        this.thread = thread;
    }

    MixSpec spec() {
        return spec;
    }

    /** A stream a room member publishes now: {@code streamKey} is the media plane's key of it. */
    record Published(String userId, StreamType type, String streamKey) {
    }

    /** Opens the mixer and starts ticking; {@link CodecException} (thrown here) when FFmpeg cannot. */
    void start() throws Exception {
        thread.submit(this::open).get(10, TimeUnit.SECONDS);
        long period = Math.max(1, 1000 / spec0.video().fps());
        thread.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    private void open() {
        // PureAudioStream: an audio-only mixer (no canvas, no H.264 encoder) and no video inputs
        mixer = spec0.pureAudio() ? new Mixer(spec0.video(), null, null)
                : new Mixer(spec0.video(), spec0.images().background(), this::onVideo);
        mixer.setLayout(spec0.layout());
        aac = mixer.addAacOutput(spec0.audioSampleRate(), spec0.audioChannels(), spec0.audioBitrate(), null,
                this::onAudio);
        if (spec0.feedBack().isPresent()) {
            feedBack = new MixFeedBack(spec0.streamName(), spec0, media, feedBackMembers, thread);
            // The room hears Opus at the request's bit rate (Opus's floor 6 kbit/s), the same mix as the AAC.
            mixer.addOpusOutput(spec0.audioChannels(), Math.max(6_000, spec0.audioBitrate()), null,
                    (buf, off, len, timestamp) -> feedBack.onOpus(buf, off, len, timestamp,
                            mixer.outputOriginMillis()));
            feedBack.start();
        }
    }

    /**
     * A second {@code StartMCUMixTranscode} with the same encoding and background: the new layout and member list from
     * now on. The task owns {@code newSpec}'s images from here: the background (a copy of the canvas's) is freed at
     * once, the old layout's placeholder images once the new layout is in place.
     */
    void update(MixSpec newSpec) {
        spec = newSpec;
        try {
            thread.execute(() -> {
                newSpec.images().closeBackground();
                if (closed) {
                    newSpec.images().closePlaceholders();
                    return;
                }
                mixer.setLayout(newSpec.layout());
                shownImages.closePlaceholders();
                shownImages = newSpec.images();
                sync();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            newSpec.images().close(); // closed meanwhile
        }
    }

    /**
     * The streams the room's members publish now, in join order; the task plays those it mixes and stops playing the
     * others.
     */
    void onMembers(List<Published> publishing) {
        wanted = List.copyOf(publishing);
        thread.execute(this::sync);
    }

    // ---- task thread ----

    private void sync() {
        if (closed) {
            return;
        }
        MixSpec current = spec;
        List<String> keep = new ArrayList<>();
        for (Published stream : wanted) {
            String user = stream.userId();
            Role role = stream.type() == StreamType.AUX
                    ? new Role(current.mixesAux(user), false, current.takesPlace(user))
                    : new Role(current.mixesCamera(user), current.mixesAudio(user), current.takesPlace(user));
            if (!role.video() && !role.audio()) {
                continue;
            }
            String id = user + "/" + stream.type().wireName();
            keep.add(id);
            Member member = members.get(id);
            if (member != null && (member.ended || !member.role.equals(role))) {
                member.close(); // its stream ended, or a new layout mixes it otherwise: played afresh
                members.remove(id);
                member = null;
            }
            if (member == null && media.isPublished(stream.streamKey())) {
                member = new Member(user, stream.type(), stream.streamKey(), role);
                members.put(id, member);
                member.play();
            }
        }
        members.entrySet().removeIf(e -> {
            if (!keep.contains(e.getKey())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
    }

    private void tick() {
        if (closed) {
            return;
        }
        try {
            long now = clock.millis();
            boolean anyEnded = false;
            for (Member member : members.values()) {
                member.drain(now);
                anyEnded |= member.ended;
            }
            if (anyEnded) {
                sync(); // a member's stream ended (it left, or unpublished): it leaves the picture
            }
            if (feedBack != null && feedBack.takeKeyframeRequest()) {
                mixer.requestKeyframe(); // a player of the fed-back stream joined or lost a picture
            }
            mixer.tick(now);
        } catch (RuntimeException e) {
            LOG.warn("mix {}: tick failed: {}", spec.streamName(), e.toString());
        }
    }

    private void onVideo(byte[] buf, int off, int len, long timestamp, boolean keyframe) {
        if (spec.pureAudio()) {
            return;
        }
        long millis = timestamp / 90;
        AvcDecoderConfigurationRecord config = mixer.sequenceHeader();
        if (config == null) {
            return;
        }
        if (sentVideoConfig == null || !sentVideoConfig.equals(config)) {
            if (!keyframe) {
                return;
            }
            sentVideoConfig = config;
            hub.onMessage(spec.streamName(), FlvTags.VIDEO, millis,
                    Unpooled.wrappedBuffer(FlvVideoTagHeader.sequenceHeaderBody(config)));
            sendAudioConfig(millis);
        }
        lastVideoMillis = millis;
        if (feedBack != null) {
            feedBack.onVideo(buf, off, len, timestamp, config, mixer.outputOriginMillis());
        }
        hub.onMessage(spec.streamName(), FlvTags.VIDEO, millis,
                Unpooled.wrappedBuffer(FlvVideoTagHeader.naluBody(keyframe, 0, buf, off, len)));
    }

    private void onAudio(byte[] buf, int off, int len, long millis) {
        if (millis < 0 || millis < lastAudioMillis) {
            return;
        }
        if (!spec.pureAudio() && sentVideoConfig == null) {
            return; // players fix their track list when they open the stream: the video configuration goes first
        }
        lastAudioMillis = millis;
        sendAudioConfig(millis);
        hub.onMessage(spec.streamName(), FlvTags.AUDIO, millis,
                Unpooled.wrappedBuffer(FlvAudioTagHeader.rawBody(buf, off, len)));
    }

    private void sendAudioConfig(long millis) {
        if (!sentAudioConfig) {
            sentAudioConfig = true;
            hub.onMessage(spec.streamName(), FlvTags.AUDIO, millis,
                    Unpooled.wrappedBuffer(FlvAudioTagHeader.sequenceHeaderBody(aac.audioSpecificConfig())));
        }
    }

    /** Ends the task: stops playing the members, frees the mixer, ends the thread. Idempotent; any thread. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.execute(() -> {
            members.values().forEach(Member::close);
            members.clear();
            if (feedBack != null) {
                feedBack.close();
            }
            if (mixer != null) {
                // The task's whole cost is on this thread: its CPU time per output second is the mix's price.
                double seconds = (double) mixer.framesOut() / spec0.video().fps();
                double cpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e9;
                LOG.info("mix {} closed: {} s of output, {} s of thread CPU ({} core)", spec.streamName(),
                        String.format(Locale.ROOT, "%.1f", seconds), String.format(Locale.ROOT, "%.2f", cpu),
                        String.format(Locale.ROOT, "%.2f", seconds > 0 ? cpu / seconds : 0));
                mixer.close();
                mixer = null;
            }
            spec0.images().closeBackground();
            shownImages.closePlaceholders();
        });
        thread.shutdown();
    }

    private static String counts(MixInput input) {
        return input == null ? "none" : input.framesIn() + " in, " + input.lateFrames() + " late, "
                + input.corruptFrames() + " corrupt, " + input.rejectedFrames() + " rejected";
    }

    /**
     * One mixed track's clock mapping as last given to its {@link MixInput}, and whether a new one replaces it: the
     * sender-report mapping moves the track only when it places the latest frame more than {@value
     * RoomLiveBridge#LIP_SYNC_TOLERANCE_MILLIS} ms from where the current mapping does (so that a report's jitter does
     * not cut or repeat audio every second), and never further than {@value RoomLiveBridge#MAX_LIP_SYNC_MOVE_MILLIS}
     * ms from when the frame arrived: a report in another timestamp space than the packets (libwebrtc's video through
     * a local player) would otherwise throw every frame out of the mix as late. The live bridge holds the same bounds.
     * Not thread-safe: the task thread.
     */
    static final class TrackMapping {
        /** {@link #next}: the report is not on the packets' clock. */
        static final double IMPLAUSIBLE = Double.POSITIVE_INFINITY;

        private final int ticksPerMilli;
        private boolean set;
        private long timestamp;
        private double millis;
        /** Least (arrival − capture instant on the sender's clock) of the track's frames, ms; +∞ before one. */
        double leastTransit = Double.POSITIVE_INFINITY;
        long refusals;

        /** @param ticksPerMilli the track's RTP clock rate in ticks per millisecond (48 for Opus, 90 for video) */
        TrackMapping(int ticksPerMilli) {
            this.ticksPerMilli = ticksPerMilli;
        }

        /** A frame arrived {@code transit} ms (mixer clock) after the sender's clock says it was captured. */
        void onFrame(double transit) {
            leastTransit = Math.min(leastTransit, transit);
        }

        /**
         * How long after their capture the track's least delayed frames arrived, in real milliseconds: the least
         * transit less {@code ntpToMixer} (the sender's clock onto the mixer clock, by the least delayed report).
         * NaN before a frame with a report; {@link #IMPLAUSIBLE} when further than {@value
         * RoomLiveBridge#MAX_LIP_SYNC_MOVE_MILLIS} ms from 0: the track's reports are not on its packets' clock.
         */
        double delay(long ntpToMixer) {
            if (leastTransit == Double.POSITIVE_INFINITY || ntpToMixer == Long.MAX_VALUE) {
                return Double.NaN;
            }
            double delay = leastTransit - ntpToMixer;
            return Math.abs(delay) > RoomLiveBridge.MAX_LIP_SYNC_MOVE_MILLIS ? IMPLAUSIBLE : delay;
        }

        /**
         * The mixer-clock time to map {@code lastTs} to now that its capture clock places it at {@code mapped}:
         * {@code mapped} when the mapping moves (it is then in force), NaN when the current one stands, or
         * {@link #IMPLAUSIBLE}.
         *
         * @param lastArrival when the frame {@code lastTs} arrived, on the mixer clock
         */
        double next(double mapped, long lastTs, long lastArrival) {
            if (Math.abs(mapped - lastArrival) > RoomLiveBridge.MAX_LIP_SYNC_MOVE_MILLIS) {
                return IMPLAUSIBLE;
            }
            if (set && Math.abs(millis + (int) (lastTs - timestamp) / (double) ticksPerMilli - mapped)
                    <= RoomLiveBridge.LIP_SYNC_TOLERANCE_MILLIS) {
                return Double.NaN;
            }
            set = true;
            timestamp = lastTs;
            millis = mapped;
            return mapped;
        }
    }

    /**
     * What a played stream gives the mix: its video (camera or screen share), its audio (microphone), and whether
     * its audio makes the member take a place in the layout.
     */
    private record Role(boolean video, boolean audio, boolean holdsPlace) {
    }

    /** One member's stream (main or aux) played into the mixer. */
    private final class Member implements LocalSink {
        final String userId;
        final StreamType type;
        final String streamKey;
        final Role role;
        final PacketQueue audioQueue = new PacketQueue(QUEUE_PACKETS);
        final PacketQueue videoQueue = new PacketQueue(QUEUE_PACKETS);
        final RtpPacket audioRtp = new RtpPacket();
        volatile LocalPlayer player;
        volatile int audioTrack = -1;
        volatile int videoTrack = -1;
        volatile String videoCodec;
        volatile boolean ended;
        volatile long[] audioReport;
        volatile long[] videoReport;

        // Task thread only.
        boolean opened;
        MixInput audio;
        MixInput video;
        H264RtpDepacketizer h264;
        Vp8RtpDepacketizer vp8;
        long[] seenAudioReport;
        long[] seenVideoReport;
        final CaptureClock audioCapture = new CaptureClock(48_000);
        final CaptureClock videoCapture = new CaptureClock(90_000);
        final TrackMapping audioMapping = new TrackMapping(48);
        final TrackMapping videoMapping = new TrackMapping(90);
        /** Least (arrival − sender NTP time) of this member's reports: the sender's clock on the mixer clock. */
        long ntpToMixer = Long.MAX_VALUE;
        long lastKeyframeRequest = Long.MIN_VALUE / 2;
        long now;
        long lastVideoTs = -1;
        long lastVideoArrival;
        long lastAudioTs = -1;
        long lastAudioArrival;

        Member(String userId, StreamType type, String streamKey, Role role) {
            this.userId = userId;
            this.type = type;
            this.streamKey = streamKey;
            this.role = role;
        }

        void play() {
            media.playLocal(streamKey, this).whenComplete((local, failure) -> {
                if (failure != null) {
                    LOG.info("mix {}: {} cannot be played: {}", spec.streamName(), streamKey, failure.getMessage());
                    ended = true;
                } else if (ended || closed) {
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
                if (codec.equalsIgnoreCase("opus") && audioTrack < 0 && role.audio()) {
                    audioTrack = i;
                } else if ((codec.equalsIgnoreCase("H264") || codec.equalsIgnoreCase("VP8")) && videoTrack < 0
                        && role.video()) {
                    videoCodec = codec.toUpperCase(Locale.ROOT);
                    videoTrack = i;
                }
            }
        }

        @Override
        public void onRtp(int track, byte[] buf, int off, int len) {
            if (track == videoTrack) {
                videoQueue.offer(buf, off, len); // full (the mixer thread far behind): dropped
            } else if (track == audioTrack) {
                audioQueue.offer(buf, off, len);
            }
        }

        @Override
        public void onSenderReport(int track, long ntpTimestamp, long rtpTimestamp) {
            if (type == StreamType.AUX) {
                // A screen share has no audio to align with: arrival times place it. (Mapped by its own reports, an
                // RTMP screen share's pictures were placed too far ahead in McuMixIT and overflowed the queue.)
                return;
            }
            if (track == audioTrack) {
                audioReport = new long[] {ntpTimestamp, rtpTimestamp, clock.millis()}; // about once a second
            } else if (track == videoTrack) {
                videoReport = new long[] {ntpTimestamp, rtpTimestamp, clock.millis()};
            }
        }

        @Override
        public void onEnd() {
            ended = true;
        }

        // ---- task thread ----

        private void openInputs() {
            opened = true;
            if (audioTrack >= 0) {
                audio = mixer.addOpusInput(userId, role.holdsPlace());
            }
            int streamType = type == StreamType.AUX ? 1 : 0; // TRTC's StreamType, the layout's regions
            if ("H264".equals(videoCodec)) {
                video = mixer.addH264Input(userId, streamType);
                h264 = new H264RtpDepacketizer(this::onFrame);
            } else if ("VP8".equals(videoCodec)) {
                video = mixer.addVp8Input(userId, streamType);
                vp8 = new Vp8RtpDepacketizer((buf, off, len, timestamp, keyframe, width, height) ->
                        onFrame(buf, off, len, timestamp, keyframe));
            }
        }

        private void onFrame(byte[] buf, int off, int len, long timestamp, boolean keyframe) {
            lastVideoTs = timestamp;
            lastVideoArrival = now;
            if (videoCapture.known()) {
                videoMapping.onFrame(now - videoCapture.captureMillis(timestamp));
            }
            video.feed(buf, off, len, timestamp, now);
        }

        void drain(long nowMillis) {
            now = nowMillis;
            if (!opened) {
                if (audioTrack < 0 && videoTrack < 0) {
                    return; // not started yet, or nothing of it is mixed; its packets wait in the queues
                }
                openInputs();
            }
            applyReports();
            while (!videoQueue.isEmpty()) {
                try {
                    if (h264 != null) {
                        h264.push(videoQueue.peekBuffer(), 0, videoQueue.peekLength());
                    } else if (vp8 != null) {
                        vp8.push(videoQueue.peekBuffer(), 0, videoQueue.peekLength());
                    }
                } catch (CodecException e) {
                    LOG.debug("mix {}: video packet of {} skipped: {}", spec.streamName(), userId, e.getMessage());
                }
                videoQueue.pop();
            }
            while (!audioQueue.isEmpty()) {
                if (audio != null && audioRtp.wrap(audioQueue.peekBuffer(), 0, audioQueue.peekLength())
                        && audioRtp.payloadLength() > 0) {
                    audio.feed(audioQueue.peekBuffer(), audioRtp.payloadOffset(), audioRtp.payloadLength(),
                            audioRtp.timestamp(), nowMillis);
                    lastAudioTs = audioRtp.timestamp();
                    lastAudioArrival = nowMillis;
                    if (audioCapture.known()) {
                        audioMapping.onFrame(nowMillis - audioCapture.captureMillis(lastAudioTs));
                    }
                }
                audioQueue.pop();
            }
            boolean waiting = h264 != null ? h264.isWaitingForKeyframe() : vp8 != null && vp8.isWaitingForKeyframe();
            LocalPlayer local = player;
            if (waiting && local != null && nowMillis - lastKeyframeRequest >= KEYFRAME_REQUEST_MILLIS) {
                lastKeyframeRequest = nowMillis;
                local.requestKeyframe();
            }
        }

        /**
         * Sender reports map each track's RTP timestamps to the sender's capture clock, read through a
         * {@link CaptureClock} per track as the live bridge does (the least delayed of the latest reports); the
         * member's capture clock goes onto the mixer clock by the least delayed report seen (arrival minus NTP time),
         * the same offset for audio and video, so the two stay aligned as the sender captured them. A track's mapping
         * moves only when it would place the track's latest frame more than {@value
         * RoomLiveBridge#LIP_SYNC_TOLERANCE_MILLIS} ms from where the current one does (docs/mixing.md, timing).
         */
        private void applyReports() {
            long[] a = audioReport;
            long[] v = videoReport;
            if (a != null && a != seenAudioReport) {
                seenAudioReport = a;
                lowerOffset(a);
                audioCapture.onReport(a[0], a[1]);
            }
            if (v != null && v != seenVideoReport) {
                seenVideoReport = v;
                lowerOffset(v);
                videoCapture.onReport(v[0], v[1]);
            }
            // Both tracks play as late after their capture as the slower one arrives (audio held up on its way
            // holds the picture back with it); a track whose reports are not on its packets' clock is left out.
            double audioDelay = audioMapping.delay(ntpToMixer);
            double videoDelay = videoMapping.delay(ntpToMixer);
            if (audioDelay == TrackMapping.IMPLAUSIBLE) {
                warnImplausible(audioMapping, "audio", audioMapping.leastTransit - ntpToMixer);
                audioDelay = Double.NaN;
            }
            if (videoDelay == TrackMapping.IMPLAUSIBLE) {
                warnImplausible(videoMapping, "video", videoMapping.leastTransit - ntpToMixer);
                videoDelay = Double.NaN;
            }
            double delay = Double.isNaN(audioDelay) ? videoDelay
                    : Double.isNaN(videoDelay) ? audioDelay : Math.max(audioDelay, videoDelay);
            if (Double.isNaN(delay)) {
                return; // no track has a report and a frame yet: arrival times place them
            }
            if (audio != null && !Double.isNaN(audioDelay)) {
                apply(audio, audioMapping, audioCapture.captureMillis(lastAudioTs) + ntpToMixer + delay, lastAudioTs,
                        lastAudioArrival, "audio");
            }
            if (video != null && !Double.isNaN(videoDelay)) {
                apply(video, videoMapping, videoCapture.captureMillis(lastVideoTs) + ntpToMixer + delay, lastVideoTs,
                        lastVideoArrival, "video");
            }
        }

        private void apply(MixInput input, TrackMapping mapping, double mapped, long lastTs, long lastArrival,
                String kind) {
            double millis = mapping.next(mapped, lastTs, lastArrival);
            if (millis == TrackMapping.IMPLAUSIBLE) {
                warnImplausible(mapping, kind, mapped - lastArrival);
            } else if (!Double.isNaN(millis)) {
                input.setClockMapping(lastTs, millis);
            }
        }

        private void warnImplausible(TrackMapping mapping, String kind, double off) {
            if (mapping.refusals++ == 0) {
                LOG.warn("mix {}: {}'s {} sender reports map its frames {} ms from their arrival: not used (arrival "
                        + "times place that track)", spec.streamName(), userId, kind, Math.round(off));
            }
        }

        private void lowerOffset(long[] report) {
            ntpToMixer = Math.min(ntpToMixer, report[2] - NtpTimestamp.toUnixNanos(report[0]) / 1_000_000);
        }

        void close() {
            ended = true;
            LocalPlayer local = player;
            if (local != null) {
                local.end();
            }
            LOG.info("mix {}: {} leaves; video {}, audio {}", spec.streamName(), userId + "_" + type.wireName(), counts(video), counts(audio));
            if (mixer != null) {
                if (audio != null) {
                    mixer.removeInput(audio);
                }
                if (video != null) {
                    mixer.removeInput(video);
                }
            }
            audio = null;
            video = null;
        }
    }
}
