package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lianmai.live.amf.Amf0Null;
import io.lianmai.live.amf.Amf0Number;
import io.lianmai.live.amf.Amf0String;
import io.lianmai.live.flv.LiveStreamObserver;
import io.lianmai.live.rtmp.RtmpMessage;
import io.lianmai.live.rtmp.RtmpMessageType;
import io.lianmai.live.rtmp.RtmpSessionHandler;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.ExternalTools;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Merged player writes end to end: ffmpeg publishes 30 fps H.264 + AAC; an HTTP-FLV player and an RTMP player get
 * every live video frame in order, each within the merge window (33 ms by default) plus scheduling slack of when the
 * server got it; no buffer leaks (paranoid leak detection); and an RTMP player that resets its connection is a normal
 * disconnect, not a WARN.
 */
class LivePlayerMergeIT {
    private static final long WINDOW_MS = 33;
    /** Scheduling slack on a shared 2-core machine: the loop may wake late, the reader thread may run late. */
    private static final long SLACK_MS = 40;
    private static final int PLAY_SECONDS = 6;

    @TempDir
    Path dir;

    @Test
    void playersGetEveryFrameInOrderWithinTheMergeWindowAndLeakNothing() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        ResourceLeakDetector.Level leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ListAppender<ILoggingEvent> leaks = capture(ResourceLeakDetector.class.getName());
        ListAppender<ILoggingEvent> rtmpLog = capture(RtmpSessionHandler.class.getName());
        try (TestServer server = TestServer.start(Map.of("live.mergeWindowMs", Long.toString(WINDOW_MS)))) {
            String stream = server.sdkAppId() + "_8095_anchor_main";
            Map<Long, Long> videoArrivals = new ConcurrentHashMap<>();
            server.server().live().hub().addObserver(new LiveStreamObserver() {
                @Override
                public void onPublish(String name) {
                }

                @Override
                public void onMessage(String name, int type, long timestamp, ByteBuf body) {
                    if (type == RtmpMessageType.VIDEO && body.readableBytes() > 1 && body.getByte(body.readerIndex() + 1) == 1) {
                        videoArrivals.putIfAbsent(timestamp, System.nanoTime());
                    }
                }

                @Override
                public void onUnpublish(String name) {
                }
            });
            Process publisher = FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, server.userSig("anchor")),
                    30, dir.resolve("ffmpeg.log"));
            try {
                LiveStreamHubs.awaitLive(server, stream);
                Thread.sleep(1500);
                long joined = System.nanoTime();
                List<long[]> rtmpFrames = new ArrayList<>();
                try (FlvReader flv = FlvReader.open(server.signedLive(stream + ".flv"));
                     RawRtmpClient rtmp = RawRtmpClient.connect(server.server().live().rtmpPort()).handshake()) {
                    int streamId = rtmp.connectAndCreateStream("live");
                    rtmp.command(streamId, "play", Amf0Null.INSTANCE,
                            new Amf0String(stream + "?" + server.playQuery(stream)), new Amf0Number(-1000));
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(PLAY_SECONDS);
                    for (RtmpMessage m; (m = rtmp.next(until)) != null; ) {
                        long now = System.nanoTime();
                        if (m.typeId() == RtmpMessageType.VIDEO && m.payload().readableBytes() > 1
                                && m.payload().getByte(m.payload().readerIndex() + 1) == 1) {
                            rtmpFrames.add(new long[] {m.timestamp(), now});
                        }
                        m.release();
                    }
                    List<long[]> flvFrames = new ArrayList<>();
                    for (FlvReader.Tag tag : flv.tags) {
                        if (tag.isVideoFrame()) {
                            flvFrames.add(new long[] {tag.timestamp(), tag.receivedNanos()});
                        }
                    }
                    assertContinuousAndPrompt("HTTP-FLV", flvFrames, videoArrivals, joined);
                    assertContinuousAndPrompt("RTMP", rtmpFrames, videoArrivals, joined);
                    rtmp.resetConnection();
                }
                Thread.sleep(500);
            } finally {
                Ffmpeg.stop(publisher);
            }
            assertThat(rtmpLog.list).as("a player that goes away is not a warning")
                    .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
        } finally {
            for (int i = 0; i < 5; i++) {
                System.gc();
                // The detector reports a leak when it next tracks an allocation.
                PooledByteBufAllocator.DEFAULT.directBuffer(64).release();
                Thread.sleep(50);
            }
            ResourceLeakDetector.setLevel(leakLevel);
        }
        assertThat(leaks.list).as("leaked buffers").extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(m -> m.contains("LEAK"));
    }

    /**
     * Frames after the GOP cache (those the server got after the player joined): every 33 ms one, none missing or out
     * of order, and each received within the merge window plus slack of when the server got it (p90; the worst
     * within a loaded machine's bound).
     */
    private static void assertContinuousAndPrompt(String player, List<long[]> frames, Map<Long, Long> serverGot,
                                                  long joined) {
        List<Long> delays = new ArrayList<>();
        long previous = -1;
        int live = 0;
        for (long[] frame : frames) {
            if (previous >= 0) {
                assertThat(frame[0]).as(player + " frame timestamps increase").isGreaterThan(previous);
                assertThat(frame[0] - previous).as(player + " gap between frames, ms (a missing frame)")
                        .isLessThanOrEqualTo(70);
            }
            previous = frame[0];
            Long got = serverGot.get(frame[0]);
            if (got != null && got > joined + TimeUnit.MILLISECONDS.toNanos(500)) {
                live++;
                delays.add((frame[1] - got) / 1_000_000);
            }
        }
        assertThat(live).as(player + " live frames in " + PLAY_SECONDS + " s").isGreaterThan(PLAY_SECONDS * 30 * 6 / 10);
        delays.sort(null);
        long p90 = delays.get(delays.size() * 9 / 10);
        long max = delays.get(delays.size() - 1);
        LoggerFactory.getLogger(LivePlayerMergeIT.class).info("{}: {} live frames, delay after the server got them "
                + "p50 {} ms, p90 {} ms, max {} ms", player, live, delays.get(delays.size() / 2), p90, max);
        assertThat(p90).as(player + " p90 delay, ms").isLessThanOrEqualTo(WINDOW_MS + SLACK_MS);
        assertThat(max).as(player + " worst delay, ms").isLessThanOrEqualTo(WINDOW_MS + 4 * SLACK_MS);
    }

    private static ListAppender<ILoggingEvent> capture(String loggerName) {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(loggerName);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        if (logger.getLevel() == null || !logger.isDebugEnabled()) {
            logger.setLevel(Level.DEBUG);
        }
        return appender;
    }
}
