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
 * One running MCU mix ({@code StartMCUMixTranscode}): plays each chosen member's main stream in-process, feeds the
 * depacketized video and the Opus audio into a {@link Mixer} with their arrival times and sender-report clock
 * mappings, ticks the mixer at the output frame rate, and publishes the H.264 + AAC output into the
 * {@link LiveStreamHub} under {@link MixSpec#streamName} (so FLV, HLS, RTMP players and CDN relays take it).
 *
 * <p>Threads: the media loop calls the members' {@link LocalSink} methods, which only copy packets into preallocated
 * queues; everything else (depacketizing, the mixer, the hub) runs on the task's own single thread.
 */
final class MixTask {
    private static final Logger LOG = LoggerFactory.getLogger(MixTask.class);
    private static final int QUEUE_PACKETS = 1024;
    private static final long KEYFRAME_REQUEST_MILLIS = 500;
    /** A sender report mapping a track's frames further than this from their arrival is not believed. */
    static final long PLAUSIBLE_MILLIS = 2_000;
    /** NTP's epoch (1900) is this many ms before the Unix epoch; only differences matter here, but keep it honest. */
    private static final long NTP_UNIX_OFFSET_MILLIS = 2_208_988_800_000L;

    private final MixSpec spec0;
    private final LiveStreamHub hub;
    private final MediaPlane media;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private volatile MixSpec spec;
    private volatile List<String> wanted = List.of();
    private volatile boolean closed;

    // Task thread only.
    private Mixer mixer;
    private AudioOutput aac;
    private AvcDecoderConfigurationRecord sentVideoConfig;
    private boolean sentAudioConfig;
    private long lastAudioMillis = Long.MIN_VALUE;
    private long lastVideoMillis = Long.MIN_VALUE;

    /**
     * @param thread this task's own single thread; the task shuts it down when it stops
     */
    MixTask(MixSpec spec, LiveStreamHub hub, MediaPlane media, Clock clock, ScheduledExecutorService thread) {
        this.spec0 = spec;
        this.spec = spec;
        this.hub = hub;
        this.media = media;
        this.clock = clock;
        this.thread = thread;
    }

    MixSpec spec() {
        return spec;
    }

    /** Opens the mixer and starts ticking; {@link CodecException} (thrown here) when FFmpeg cannot. */
    void start() throws Exception {
        thread.submit(this::open).get(10, TimeUnit.SECONDS);
        long period = Math.max(1, 1000 / spec0.video().fps());
        thread.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    private void open() {
        mixer = new Mixer(spec0.video(), null, this::onVideo);
        mixer.setLayout(spec0.layout());
        aac = mixer.addAacOutput(spec0.audioSampleRate(), spec0.audioChannels(), spec0.audioBitrate(), null,
                this::onAudio);
    }

    /** A second {@code StartMCUMixTranscode} with the same encoding: the new layout and member list from now on. */
    void update(MixSpec newSpec) {
        spec = newSpec;
        thread.execute(() -> {
            if (!closed) {
                mixer.setLayout(newSpec.layout());
                sync();
            }
        });
    }

    /**
     * The room's publishing members now, in join order, as userID → stream key of their main stream; the task plays
     * those it mixes and stops playing the others.
     */
    void onMembers(List<String[]> publishing) {
        List<String> list = new ArrayList<>();
        for (String[] userAndKey : publishing) {
            list.add(userAndKey[0] + "\n" + userAndKey[1]);
        }
        wanted = List.copyOf(list);
        thread.execute(this::sync);
    }

    // ---- task thread ----

    private void sync() {
        if (closed) {
            return;
        }
        MixSpec current = spec;
        List<String> keep = new ArrayList<>();
        for (String entry : wanted) {
            int cut = entry.indexOf('\n');
            String user = entry.substring(0, cut);
            String key = entry.substring(cut + 1);
            if (!current.mixes(user)) {
                continue;
            }
            keep.add(user);
            Member member = members.get(user);
            if (member != null && member.ended) {
                member.close();
                members.remove(user);
                member = null;
            }
            if (member == null && media.isPublished(key)) {
                member = new Member(user, key);
                members.put(user, member);
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
        });
        thread.shutdown();
    }

    private static String counts(MixInput input) {
        return input == null ? "none" : input.framesIn() + " in, " + input.lateFrames() + " late, "
                + input.corruptFrames() + " corrupt, " + input.rejectedFrames() + " rejected";
    }

    /** Milliseconds since the Unix epoch of a 64-bit NTP timestamp (RFC 3550 §4). */
    static long ntpMillis(long ntp) {
        long seconds = ntp >>> 32;
        long fraction = ntp & 0xFFFF_FFFFL;
        return seconds * 1000 + ((fraction * 1000) >>> 32) - NTP_UNIX_OFFSET_MILLIS;
    }

    /** One member's main stream played into the mixer. */
    private final class Member implements LocalSink {
        final String userId;
        final String streamKey;
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
        long[] appliedAudioReport;
        long[] appliedVideoReport;
        /** Least (arrival − sender NTP time) of this member's reports: the sender's clock on the mixer clock. */
        long ntpToMixer = Long.MAX_VALUE;
        long lastKeyframeRequest = Long.MIN_VALUE / 2;
        long now;
        long lastVideoTs = -1;
        long lastVideoArrival;
        long lastAudioTs = -1;
        long lastAudioArrival;
        boolean videoReportsRefused;
        boolean audioReportsRefused;

        Member(String userId, String streamKey) {
            this.userId = userId;
            this.streamKey = streamKey;
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
                if (codec.equalsIgnoreCase("opus") && audioTrack < 0) {
                    audioTrack = i;
                } else if ((codec.equalsIgnoreCase("H264") || codec.equalsIgnoreCase("VP8")) && videoTrack < 0) {
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
                audio = mixer.addOpusInput(userId);
            }
            if ("H264".equals(videoCodec)) {
                video = mixer.addH264Input(userId, 0);
                h264 = new H264RtpDepacketizer(this::onFrame);
            } else if ("VP8".equals(videoCodec)) {
                video = mixer.addVp8Input(userId, 0);
                vp8 = new Vp8RtpDepacketizer((buf, off, len, timestamp, keyframe, width, height) ->
                        onFrame(buf, off, len, timestamp, keyframe));
            }
        }

        private void onFrame(byte[] buf, int off, int len, long timestamp, boolean keyframe) {
            lastVideoTs = timestamp;
            lastVideoArrival = now;
            video.feed(buf, off, len, timestamp, now);
        }

        void drain(long nowMillis) {
            now = nowMillis;
            if (!opened) {
                if (audioTrack < 0 && videoTrack < 0) {
                    return; // not started yet; its packets wait in the queues
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
         * Sender reports map each track's RTP timestamps to the sender's capture clock; the member's capture clock
         * goes onto the mixer clock by the least delayed report seen (arrival minus NTP time), the same offset for
         * audio and video, so the two stay aligned as the sender captured them (docs/mixing.md, timing).
         */
        private void applyReports() {
            long[] a = audioReport;
            long[] v = videoReport;
            boolean moved = lowerOffset(a) | lowerOffset(v);
            // A report is judged against a frame of its track: none is applied before the track's first frame.
            if (a != null && audio != null && lastAudioTs >= 0 && (moved || a != appliedAudioReport)) {
                appliedAudioReport = a;
                if (!audioReportsRefused && plausible(a, lastAudioTs, lastAudioArrival, 48, "audio")) {
                    audio.setClockMapping(a[1], ntpMillis(a[0]) + (double) ntpToMixer);
                } else {
                    audioReportsRefused = true;
                }
            }
            if (v != null && video != null && lastVideoTs >= 0 && (moved || v != appliedVideoReport)) {
                appliedVideoReport = v;
                if (!videoReportsRefused && plausible(v, lastVideoTs, lastVideoArrival, 90, "video")) {
                    video.setClockMapping(v[1], ntpMillis(v[0]) + (double) ntpToMixer);
                } else {
                    videoReportsRefused = true;
                }
            }
        }

        /**
         * Whether a report's mapping puts the track's latest frame within {@value #PLAUSIBLE_MILLIS} ms of when it
         * arrived. A report in another timestamp space than the packets (seen with libwebrtc's video through a
         * local player) would throw every frame out of the mix as late; the track then keeps its arrival-time
         * mapping (aligned only as well as the network delays agree) and the report is logged once.
         */
        private boolean plausible(long[] report, long lastTs, long lastArrival, int ticksPerMilli, String kind) {
            long mapped = ntpMillis(report[0]) + ntpToMixer + (int) (lastTs - report[1]) / ticksPerMilli;
            if (Math.abs(mapped - lastArrival) <= PLAUSIBLE_MILLIS) {
                return true;
            }
            LOG.warn("mix {}: {}'s {} sender reports map its frames {} ms from their arrival: not used (arrival "
                    + "times place that track)", spec.streamName(), userId, kind, mapped - lastArrival);
            return false;
        }

        private boolean lowerOffset(long[] report) {
            if (report == null) {
                return false;
            }
            long offset = report[2] - ntpMillis(report[0]);
            if (offset >= ntpToMixer) {
                return false;
            }
            ntpToMixer = offset;
            return true;
        }

        void close() {
            ended = true;
            LocalPlayer local = player;
            if (local != null) {
                local.end();
            }
            LOG.info("mix {}: {} leaves; video {}, audio {}", spec.streamName(), userId, counts(video), counts(audio));
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
