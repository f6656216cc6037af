package io.lianmai.live.hls;

import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.flv.FlvAudioTagHeader;
import io.lianmai.codec.flv.FlvVideoTagHeader;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.wire.h264.NalUnit;
import io.lianmai.codec.h264.NalUnits;
import io.lianmai.live.flv.FlvTags;
import io.lianmai.live.hls.TsMuxer.Track;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packages one live stream as HLS: checks each FLV audio/video message, turns H.264 into Annex B, decides where
 * segments end, feeds a {@link TsMuxer} and keeps the newest segments and the playlist.
 *
 * <p>Segment rules. A segment starts with a video keyframe (audio-only streams: any audio frame) and ends before the
 * first keyframe at least the target duration later (less {@link #cutToleranceMillis}, so a GOP exactly as long as
 * the target is not doubled by timestamp jitter). A segment that reaches {@link HlsConfig#maxSegmentBytes} ends
 * there and the stream resumes at its next keyframe. A codec configuration change, a new publisher, or a timestamp
 * jump ({@link #JUMP_BACK_MILLIS}, {@link #JUMP_AHEAD_MILLIS}) ends the muxer's timeline: the next segment carries
 * a discontinuity. The first muxer opens once both tracks' configurations arrived, or after
 * {@link #DISCOVERY_MILLIS} of media with whichever arrived.
 *
 * <p>Bad input (a malformed configuration or frame, a video codec other than H.264) stops this stream's HLS with
 * one log line until its next publish: its playlist ends. Audio other than AAC is left out. Frames before their
 * configuration, or going back in time, are dropped and counted. The FLV tag prefixes are read in place with the
 * constants of {@link FlvVideoTagHeader} and {@link FlvAudioTagHeader} (whose {@code parse} would allocate per tag);
 * configurations and NAL units are parsed by the codec module's classes and checked by {@link TsInputCheck}.
 *
 * <p>Per media tag nothing is allocated: NAL units are indexed by a reused {@link NalUnits}, over the tag's own
 * array or, for a direct buffer, a reused copy of at most {@link HlsConfig#maxSegmentBytes}.
 *
 * <p>Thread-safe: the publisher's thread calls the {@code on…} methods, HTTP threads read {@link #playlist()}.
 */
final class HlsStream {
    private static final Logger LOG = LoggerFactory.getLogger(HlsStream.class);
    private static final long NONE = Long.MIN_VALUE;
    /** Publishers send both codec configurations before media; this waits for a late one before starting. */
    static final long DISCOVERY_MILLIS = 1000;
    /** A track going back further than this starts a new timeline; a smaller step back drops the frame. */
    static final long JUMP_BACK_MILLIS = 1000;
    /** A gap longer than this in a track starts a new timeline rather than stretch one segment over it. */
    static final long JUMP_AHEAD_MILLIS = 10_000;
    /** Segments kept after they leave the playlist, for players that read the previous one (RFC 8216 §6.2.2). */
    static final int EXTRA_HELD = 2;
    /** ADTS frame_length is 13 bits and includes its 7-byte header. */
    static final int MAX_AAC_FRAME = 8191 - 7;
    private static final int AVC_TAG_HEADER = FlvVideoTagHeader.AVC_LENGTH;
    private static final int AAC_TAG_HEADER = FlvAudioTagHeader.AAC_LENGTH;
    /** Enhanced RTMP (HEVC, AV1, VP9) sets the top bit of the first video byte (IsExHeader). */
    private static final int VIDEO_EX_HEADER = 0x80;
    private static final int START_CODE = 1;
    private static final long DEFAULT_VIDEO_STEP = 40;
    private static final byte[] NO_BYTES = new byte[0];

    private final String name;
    private final HlsConfig config;
    private final Clock clock;
    private final TsMuxer.Factory muxers;
    private final long cutMillis;

    // What the current publisher sent.
    private boolean live;
    private String failure;
    private AvcDecoderConfigurationRecord avc;
    /** {@link #avc}'s SPS and PPS behind start codes, put before keyframes that lack them. */
    private byte[] avcParameterSets;
    private AudioSpecificConfig aac;
    private boolean audioLeftOut;
    private boolean discovering;
    private long firstMediaDts = NONE;
    private long droppedFrames;

    // Reused for every video frame.
    private final NalUnits nals = new NalUnits();
    private byte[] scratch = NO_BYTES;

    // The current muxer's timeline.
    private TsMuxer muxer;
    private boolean muxedVideo;
    private boolean muxedAudio;
    private long lastVideoDts = NONE;
    private long lastAudioDts = NONE;
    private long videoStep;
    private long audioStep;
    private boolean skipToKeyframe;
    private Instant anchorWall;
    private long anchorDts;
    private long segmentStart = NONE;
    private long segmentBytes;

    // Finished segments.
    private final ArrayDeque<HlsSegment> segments = new ArrayDeque<>();
    private long heldBytes;
    private long nextSequence;
    private boolean producedAny;
    private boolean nextDiscontinuity;
    private long discontinuities;
    private int targetDuration;
    private Instant endedAt;
    private volatile HlsPlaylist playlist;

    HlsStream(String name, HlsConfig config, Clock clock, TsMuxer.Factory muxers) {
        this.name = name;
        this.config = config;
        this.clock = clock;
        this.muxers = muxers;
        long target = config.segmentTarget().toMillis();
        this.cutMillis = target - cutToleranceMillis(target);
        this.targetDuration = (int) Math.max(1, (target + 999) / 1000);
        // Numbered from the clock in tenths of a second: segments are longer than that, so a name's numbers never
        // repeat, even after its playlist was forgotten, and caches cannot mix segments up.
        this.nextSequence = clock.millis() / 100;
        this.playlist = HlsPlaylist.empty(targetDuration);
    }

    /** How much shorter than the target a segment may be when a keyframe arrives: a frame or two of jitter. */
    static long cutToleranceMillis(long targetMillis) {
        return Math.min(100, targetMillis / 10);
    }

    /** A publisher started; a previous one's timeline is finished first. */
    synchronized void onPublish() {
        endTimelineQuietly();
        live = true;
        failure = null;
        avc = null;
        avcParameterSets = null;
        aac = null;
        audioLeftOut = false;
        discovering = true;
        firstMediaDts = NONE;
        endedAt = null;
        nextDiscontinuity = true;
        publish();
    }

    /** One FLV message of the stream; only reads {@code body}; never throws. */
    synchronized void onMessage(int type, long timestamp, ByteBuf body) {
        if (!live || failure != null) {
            return;
        }
        try {
            if (type == FlvTags.VIDEO) {
                onVideo(timestamp, body);
            } else if (type == FlvTags.AUDIO) {
                onAudio(timestamp, body);
            }
        } catch (HlsException e) {
            fail(e.getMessage(), null);
        } catch (RuntimeException e) {
            fail("internal error: " + e, e);
        }
    }

    /** The publisher stopped: the last segment is finished and the playlist ends. */
    synchronized void onUnpublish() {
        if (!live) {
            return;
        }
        endTimelineQuietly();
        live = false;
        scratch = NO_BYTES;
        endedAt = clock.instant();
        publish();
    }

    /** The newest snapshot; any thread. */
    HlsPlaylist playlist() {
        return playlist;
    }

    /** Whether the stream ended more than {@link HlsConfig#endedRetention} ago. */
    synchronized boolean expired(Instant now) {
        return !live && endedAt != null && !now.isBefore(endedAt.plus(config.endedRetention()));
    }

    /** Frames dropped so far: before their configuration, back in time, or while waiting for a keyframe. */
    synchronized long droppedFrames() {
        return droppedFrames;
    }

    /** Frees the muxer's native memory without finishing its segment; later messages are ignored. */
    synchronized void close() {
        live = false;
        scratch = NO_BYTES;
        closeMuxer();
    }

    private void onVideo(long timestamp, ByteBuf body) throws HlsException {
        int at = body.readerIndex();
        int length = body.readableBytes();
        if (length == 0) {
            droppedFrames++;
            return;
        }
        int first = body.getUnsignedByte(at);
        if ((first & VIDEO_EX_HEADER) != 0) {
            throw new HlsException("enhanced-RTMP video (HEVC, AV1, VP9) is not packaged as HLS");
        }
        int frameType = first >> 4;
        int codec = first & 0x0F;
        if (frameType == FlvVideoTagHeader.FRAME_COMMAND) {
            return; // video info / command frame: no picture
        }
        if (codec != FlvVideoTagHeader.CODEC_AVC) {
            throw new HlsException("video codec id " + codec + " is not H.264 (7)");
        }
        if (length < AVC_TAG_HEADER) {
            throw new HlsException("AVC video tag of " + length + " bytes is truncated");
        }
        int packetType = body.getUnsignedByte(at + 1);
        int from = at + AVC_TAG_HEADER;
        int payload = length - AVC_TAG_HEADER;
        if (packetType == FlvVideoTagHeader.AVC_SEQUENCE_HEADER) {
            onAvcConfiguration(TsInputCheck.avcConfiguration(body, from, payload));
            return;
        }
        if (packetType == FlvVideoTagHeader.AVC_END_OF_SEQUENCE) {
            return;
        }
        if (packetType != FlvVideoTagHeader.AVC_NALU) {
            throw new HlsException("AVC packet type " + packetType + " is unknown");
        }
        if (avc == null) {
            droppedFrames++;
            return;
        }
        boolean keyframe = frameType == FlvVideoTagHeader.FRAME_KEY;
        if (payload > config.maxSegmentBytes()) {
            // Too large for any segment (its Annex-B form is as large, less 4 bytes per empty NAL unit): admit drops
            // it, and waits for a keyframe, without its bytes being read.
            admit(Track.VIDEO, timestamp, keyframe, payload);
            return;
        }
        byte[] array;
        int offset;
        if (body.hasArray()) {
            array = body.array();
            offset = body.arrayOffset() + from;
        } else {
            if (scratch.length < payload) {
                scratch = new byte[Math.min(config.maxSegmentBytes(), Math.max(payload, 2 * scratch.length))];
            }
            body.getBytes(from, scratch, 0, payload);
            array = scratch;
            offset = 0;
        }
        if (nals.scanAvcc(array, offset, payload, avc.nalLengthSize()) < 0) {
            throw new HlsException("AVC NAL unit length runs past its frame of " + payload + " bytes");
        }
        int size = TsInputCheck.annexBSize(nals);
        if (size == 0) {
            droppedFrames++;
            return;
        }
        boolean withParameterSets = keyframe && nals.indexOf(NalUnit.SPS) < 0;
        if (withParameterSets) {
            size += avcParameterSets.length;
        }
        long dts = admit(Track.VIDEO, timestamp, keyframe, size);
        if (dts == NONE) {
            return;
        }
        // CompositionTime (E.4.3.1) is a signed 24-bit offset: PTS = DTS + CTS, never before the DTS.
        long pts = Math.max(dts, timestamp + body.getMedium(at + 2));
        ByteBuffer out = muxer.frameBuffer(size);
        if (withParameterSets) {
            out.put(avcParameterSets);
        }
        for (int i = 0; i < nals.count(); i++) {
            out.putInt(START_CODE);
            out.put(array, nals.offset(i), nals.length(i));
        }
        muxer.writeFrame(Track.VIDEO, size, dts, pts, keyframe);
        written(Track.VIDEO, dts, size);
    }

    private void onAudio(long timestamp, ByteBuf body) throws HlsException {
        int at = body.readerIndex();
        int length = body.readableBytes();
        if (length == 0) {
            droppedFrames++;
            return;
        }
        int format = body.getUnsignedByte(at) >> 4;
        if (format != FlvAudioTagHeader.FORMAT_AAC) {
            if (!audioLeftOut) {
                audioLeftOut = true;
                LOG.info("HLS output of stream {} leaves its audio out: sound format {} is not AAC", name, format);
            }
            return;
        }
        if (length < AAC_TAG_HEADER) {
            throw new HlsException("AAC audio tag of " + length + " byte is truncated");
        }
        int packetType = body.getUnsignedByte(at + 1);
        if (packetType == FlvAudioTagHeader.AAC_SEQUENCE_HEADER) {
            onAacConfiguration(TsInputCheck.aacConfiguration(body, at + AAC_TAG_HEADER, length - AAC_TAG_HEADER));
            return;
        }
        if (packetType != FlvAudioTagHeader.AAC_RAW) {
            throw new HlsException("AAC packet type " + packetType + " is unknown");
        }
        int size = length - AAC_TAG_HEADER;
        if (aac == null || size < 2) {
            droppedFrames++;
            return;
        }
        if (size > MAX_AAC_FRAME) {
            throw new HlsException("AAC frame of " + size + " bytes is too long for ADTS");
        }
        long dts = admit(Track.AUDIO, timestamp, true, size);
        if (dts == NONE) {
            return;
        }
        ByteBuffer out = muxer.frameBuffer(size);
        body.getBytes(at + AAC_TAG_HEADER, out);
        muxer.writeFrame(Track.AUDIO, size, dts, dts, true);
        written(Track.AUDIO, dts, size);
    }

    private void onAvcConfiguration(AvcDecoderConfigurationRecord record) throws HlsException {
        if (!record.equals(avc)) {
            avc = record;
            avcParameterSets = record.toAnnexB();
            if (muxer != null) {
                newTimeline();
            }
        }
    }

    private void onAacConfiguration(AudioSpecificConfig config) throws HlsException {
        audioLeftOut = false;
        if (!config.equals(aac)) {
            aac = config;
            if (muxer != null) {
                newTimeline();
            }
        }
    }

    /**
     * Decides what happens to a checked frame before it is muxed: opens the muxer, ends segments, fixes small
     * timestamp faults.
     *
     * @return the DTS to mux the frame with, or {@link #NONE} to drop it
     */
    private long admit(Track track, long timestamp, boolean keyframe, int size) throws HlsException {
        boolean video = track == Track.VIDEO;
        if (firstMediaDts == NONE) {
            firstMediaDts = timestamp;
        }
        if (muxer != null) {
            long last = video ? lastVideoDts : lastAudioDts;
            if (last != NONE && (timestamp < last - JUMP_BACK_MILLIS || timestamp > last + JUMP_AHEAD_MILLIS)) {
                newTimeline();
            }
        }
        if (muxer == null && !openTimeline(video, timestamp, keyframe)) {
            droppedFrames++;
            return NONE;
        }
        if ((video ? !muxedVideo : !muxedAudio) || size > config.maxSegmentBytes()) {
            droppedFrames++;
            skipToKeyframe |= video && muxedVideo;
            return NONE;
        }
        if (skipToKeyframe) {
            if (!(video && keyframe)) {
                droppedFrames++;
                return NONE;
            }
            skipToKeyframe = false;
        }
        long last = video ? lastVideoDts : lastAudioDts;
        long dts = timestamp;
        if (last != NONE && dts <= last) {
            if (dts < last) {
                droppedFrames++;
                return NONE;
            }
            dts = last + 1; // same millisecond: muxers need strictly increasing DTS
        }
        boolean startsSegment = muxedVideo ? video && keyframe : true;
        if (segmentStart != NONE && startsSegment && dts - segmentStart >= cutMillis) {
            cutSegment(dts);
        }
        if (segmentStart != NONE && segmentBytes + size > config.maxSegmentBytes()) {
            cutSegment(endOfLastFrame());
            if (!startsSegment) {
                skipToKeyframe = true;
                droppedFrames++;
                return NONE;
            }
        }
        if (segmentStart == NONE) {
            segmentStart = dts;
            segmentBytes = 0;
        }
        return dts;
    }

    /** Opens a muxer if the stream is ready for one and this frame can start it. */
    private boolean openTimeline(boolean video, long timestamp, boolean keyframe) throws HlsException {
        boolean allTracks = avc != null && (aac != null || audioLeftOut);
        if (discovering && !allTracks && Math.abs(timestamp - firstMediaDts) < DISCOVERY_MILLIS) {
            return false;
        }
        if (avc != null ? !(video && keyframe) : video) {
            return false;
        }
        muxer = muxers.open(avc, aac);
        discovering = false;
        muxedVideo = avc != null;
        muxedAudio = aac != null;
        lastVideoDts = NONE;
        lastAudioDts = NONE;
        videoStep = DEFAULT_VIDEO_STEP;
        audioStep = aac == null ? 0 : frameMillis(aac);
        skipToKeyframe = false;
        anchorWall = clock.instant();
        anchorDts = timestamp;
        segmentStart = NONE;
        segmentBytes = 0;
        return true;
    }

    /** Duration of one 1024-sample AAC frame in ms, rounded, at least 1. */
    private static long frameMillis(AudioSpecificConfig aac) {
        return Math.max(1, Math.round(1024_000f / aac.sampleRate()));
    }

    private void written(Track track, long dts, int size) {
        if (track == Track.VIDEO) {
            if (lastVideoDts != NONE) {
                videoStep = Math.max(1, Math.min(1000, dts - lastVideoDts));
            }
            lastVideoDts = dts;
        } else {
            lastAudioDts = dts;
        }
        segmentBytes += size;
    }

    private long endOfLastFrame() {
        long end = segmentStart + 1;
        if (lastVideoDts != NONE) {
            end = Math.max(end, lastVideoDts + videoStep);
        }
        if (lastAudioDts != NONE) {
            end = Math.max(end, lastAudioDts + audioStep);
        }
        return end;
    }

    private void cutSegment(long end) throws HlsException {
        addSegment(muxer.cut(), end - segmentStart);
        segmentStart = NONE;
        segmentBytes = 0;
    }

    /** Finishes this timeline; the next segment is a discontinuity. */
    private void newTimeline() throws HlsException {
        endTimeline();
        nextDiscontinuity = true;
    }

    private void endTimeline() throws HlsException {
        if (muxer == null) {
            return;
        }
        TsMuxer ending = muxer;
        try {
            byte[] last = ending.finish();
            if (segmentStart != NONE && last.length > 0) {
                addSegment(last, endOfLastFrame() - segmentStart);
            }
        } finally {
            closeMuxer();
        }
    }

    private void endTimelineQuietly() {
        try {
            endTimeline();
        } catch (HlsException e) {
            LOG.warn("HLS output of stream {} lost its last segment: {}", name, e.getMessage());
        }
    }

    private void closeMuxer() {
        if (muxer != null) {
            muxer.close();
            muxer = null;
        }
        segmentStart = NONE;
        segmentBytes = 0;
    }

    private void addSegment(byte[] bytes, long durationMillis) {
        long duration = Math.max(1, durationMillis);
        boolean discontinuity = nextDiscontinuity && producedAny;
        HlsSegment segment = new HlsSegment(nextSequence++, duration,
                anchorWall.plusMillis(segmentStart - anchorDts), discontinuity, discontinuities, bytes);
        if (discontinuity) {
            discontinuities++;
        }
        nextDiscontinuity = false;
        producedAny = true;
        segments.addLast(segment);
        heldBytes += bytes.length;
        targetDuration = (int) Math.max(targetDuration, (duration + 500) / 1000);
        while (segments.size() > config.playlistSize() + EXTRA_HELD
                || (heldBytes > config.maxStreamBytes() && segments.size() > 1)) {
            heldBytes -= segments.removeFirst().size();
        }
        publish();
    }

    private void fail(String reason, RuntimeException cause) {
        failure = reason;
        if (cause == null) {
            LOG.warn("HLS output of stream {} stopped: {}", name, reason);
        } else {
            LOG.warn("HLS output of stream {} stopped: {}", name, reason, cause);
        }
        closeMuxer();
        publish();
    }

    private void publish() {
        playlist = new HlsPlaylist(List.copyOf(segments), config.playlistSize(), targetDuration,
                !live || failure != null, Optional.ofNullable(failure));
    }
}
