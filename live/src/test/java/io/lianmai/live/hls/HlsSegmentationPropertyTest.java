package io.lianmai.live.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.live.flv.FlvTags;
import io.lianmai.live.hls.RecordingTsMuxer.Frame;
import io.lianmai.live.hls.TsMuxer.Track;
import io.lianmai.testkit.FakeClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Segmentation rules for any keyframe pattern, and garbage input: it never escapes, never reaches the muxer
 * unchecked, and never disturbs another stream.
 */
class HlsSegmentationPropertyTest {
    private static final Pattern EXTINF = Pattern.compile("#EXTINF:(\\d+)\\.(\\d{3}),");
    private static final Pattern TARGET = Pattern.compile("#EXT-X-TARGETDURATION:(\\d+)");

    /** One FLV message. */
    record Message(int type, long timestamp, byte[] body) {
        ByteBuf buffer() {
            return Unpooled.wrappedBuffer(body);
        }
    }

    @Property(tries = 500)
    void segmentsStartOnKeyframesAndLastAtLeastTheTarget(
            @ForAll @IntRange(min = 20, max = 100) int frameMillis,
            @ForAll @IntRange(min = 1, max = 400) int frames,
            @ForAll @DoubleRange(min = 0.0, max = 0.5) double keyframeChance,
            @ForAll boolean withAudio,
            @ForAll @IntRange(min = 1, max = 3) int targetSeconds,
            @ForAll @IntRange(min = 2, max = 8) int playlistSize,
            @ForAll long seed) {
        Random random = new Random(seed);
        List<Message> messages = new ArrayList<>();
        messages.add(new Message(FlvTags.VIDEO, 0, bytes(FlvBodies.avcConfig())));
        if (withAudio) {
            messages.add(new Message(FlvTags.AUDIO, 0, bytes(FlvBodies.aacConfig())));
        }
        for (int frame = 0; frame < frames; frame++) {
            long timestamp = 5000L + frame * frameMillis;
            boolean keyframe = random.nextDouble() < keyframeChance;
            messages.add(new Message(FlvTags.VIDEO, timestamp,
                    bytes(FlvBodies.avcFrame(keyframe, random.nextInt(3) * frameMillis, 1 + random.nextInt(3000)))));
            if (withAudio) {
                messages.add(new Message(FlvTags.AUDIO, timestamp + random.nextInt(frameMillis),
                        bytes(FlvBodies.aacFrame(2 + random.nextInt(400)))));
            }
        }
        HlsConfig config = HlsConfig.DEFAULT.withSegments(Duration.ofSeconds(targetSeconds), playlistSize);
        RecordingTsMuxer.Opened muxers = new RecordingTsMuxer.Opened();
        HlsStream stream = new HlsStream("s", config, new FakeClock(Instant.EPOCH), muxers);
        stream.onPublish();
        for (Message message : messages) {
            stream.onMessage(message.type(), message.timestamp(), message.buffer());
        }
        stream.onUnpublish();

        assertThat(stream.playlist().failure()).isEmpty();
        assertThat(muxers.openCount()).isZero();
        assertThat(muxers.muxers).hasSizeLessThanOrEqualTo(1);
        if (muxers.muxers.isEmpty()) {
            assertThat(stream.playlist().segments()).isEmpty();
            return;
        }
        List<List<Frame>> cut = muxers.muxers.get(0).segments.stream().filter(s -> !s.isEmpty()).toList();
        long cutMillis = targetSeconds * 1000L - HlsStream.cutToleranceMillis(targetSeconds * 1000L);
        for (int i = 0; i < cut.size(); i++) {
            List<Frame> segment = cut.get(i);
            assertThat(segment.get(0).track()).isEqualTo(Track.VIDEO);
            assertThat(segment.get(0).keyframe()).isTrue();
            if (i + 1 < cut.size()) {
                long next = cut.get(i + 1).get(0).dts();
                assertThat(next - segment.get(0).dts()).as("segment %d", i).isGreaterThanOrEqualTo(cutMillis);
                assertThat(segment.stream().filter(f -> f.track() == Track.VIDEO)).allSatisfy(
                        f -> assertThat(f.keyframe() && f.dts() - segment.get(0).dts() >= cutMillis).isFalse());
            }
        }
        List<HlsSegment> held = stream.playlist().segments();
        assertThat(held).hasSizeLessThanOrEqualTo(playlistSize + HlsStream.EXTRA_HELD);
        for (int i = 1; i < held.size(); i++) {
            assertThat(held.get(i).sequence()).isEqualTo(held.get(i - 1).sequence() + 1);
        }
        assertThat(held).noneMatch(HlsSegment::discontinuity);
        assertPlaylistIsValid(stream.playlist(), playlistSize);
    }

    @Property(tries = 1000)
    void garbageNeverEscapesAndLeavesOtherStreamsAlone(
            @ForAll @IntRange(min = 0, max = 30) int mutations,
            @ForAll @IntRange(min = 0, max = 20) int randomMessages,
            @ForAll long seed) {
        Random random = new Random(seed);
        List<Message> good = validStream(random, 120);
        List<Message> bad = mutate(validStream(random, 120), mutations, randomMessages, random);

        RecordingTsMuxer.Opened alone = new RecordingTsMuxer.Opened();
        HlsPackager reference = new HlsPackager(HlsConfig.DEFAULT, new FakeClock(Instant.EPOCH), alone);
        play(reference, "good", good);

        RecordingTsMuxer.Opened muxers = new RecordingTsMuxer.Opened();
        HlsPackager packager = new HlsPackager(HlsConfig.DEFAULT, new FakeClock(Instant.EPOCH), muxers);
        packager.onPublish("good");
        packager.onPublish("bad");
        for (int i = 0; i < Math.max(good.size(), bad.size()); i++) {
            if (i < bad.size()) {
                Message message = bad.get(i);
                packager.onMessage("bad", message.type(), message.timestamp(), message.buffer());
            }
            if (i < good.size()) {
                Message message = good.get(i);
                packager.onMessage("good", message.type(), message.timestamp(), message.buffer());
            }
        }
        packager.onUnpublish("bad");
        packager.onUnpublish("good");

        assertThat(muxers.openCount()).isZero();
        assertThat(packager.playlist("good").orElseThrow().segments()).extracting(HlsSegment::durationMillis)
                .isEqualTo(reference.playlist("good").orElseThrow().segments().stream()
                        .map(HlsSegment::durationMillis).toList());
        HlsPlaylist badPlaylist = packager.playlist("bad").orElseThrow();
        assertThat(badPlaylist.ended()).isTrue();
        assertThat(badPlaylist.failure()).as("bad input is caught by checks, not by accident")
                .matches(reason -> reason.isEmpty() || !reason.get().startsWith("internal error"), "not an internal error");
        Statistics.collect(badPlaylist.failure().isPresent() ? "HLS stopped" : "survived");
        assertPlaylistIsValid(badPlaylist, HlsConfig.DEFAULT.playlistSize());
    }

    /** Configurations, then 25 fps video with a keyframe a second and AAC audio, from t = 1000 ms. */
    static List<Message> validStream(Random random, int frames) {
        List<Message> messages = new ArrayList<>();
        messages.add(new Message(FlvTags.SCRIPT, 0, new byte[] {2, 0, 10, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a',
            't', 'a'}));
        messages.add(new Message(FlvTags.VIDEO, 0, bytes(FlvBodies.avcConfig())));
        messages.add(new Message(FlvTags.AUDIO, 0, bytes(FlvBodies.aacConfig())));
        for (int frame = 0; frame < frames; frame++) {
            long timestamp = 1000L + frame * 40L;
            messages.add(new Message(FlvTags.VIDEO, timestamp,
                    bytes(FlvBodies.avcFrame(frame % 25 == 0, (frame % 3) * 40, 1 + random.nextInt(2000)))));
            messages.add(new Message(FlvTags.AUDIO, timestamp + 3, bytes(FlvBodies.aacFrame(2 + random.nextInt(300)))));
        }
        return messages;
    }

    /**
     * Valid messages with some truncated, bit-flipped, replaced by random bytes, given another codec id or packet
     * type, or moved in time, and random messages added.
     */
    static List<Message> mutate(List<Message> messages, int mutations, int randomMessages, Random random) {
        List<Message> out = new ArrayList<>(messages);
        for (int i = 0; i < mutations; i++) {
            int index = random.nextInt(out.size());
            Message message = out.get(index);
            byte[] body = message.body().clone();
            switch (random.nextInt(6)) {
                case 0 -> body = java.util.Arrays.copyOf(body, random.nextInt(body.length + 1));
                case 1 -> {
                    if (body.length > 0) {
                        body[random.nextInt(body.length)] ^= (byte) (1 + random.nextInt(255));
                    }
                }
                case 2 -> random.nextBytes(body = new byte[random.nextInt(64)]);
                case 3 -> {
                    if (body.length > 0) {
                        body[0] = (byte) ((body[0] & 0xF0) | random.nextInt(16));
                    }
                }
                case 4 -> {
                    if (body.length > 1) {
                        body[1] = (byte) random.nextInt(4);
                    }
                }
                default -> {
                    out.set(index, new Message(message.type(), message.timestamp() + random.nextInt(40_000) - 20_000,
                            body));
                    continue;
                }
            }
            out.set(index, new Message(message.type(), message.timestamp(), body));
        }
        for (int i = 0; i < randomMessages; i++) {
            byte[] body = new byte[random.nextInt(100)];
            random.nextBytes(body);
            int[] types = {FlvTags.AUDIO, FlvTags.VIDEO, FlvTags.SCRIPT, random.nextInt(256)};
            out.add(random.nextInt(out.size() + 1), new Message(types[random.nextInt(types.length)],
                    random.nextInt(10_000), body));
        }
        return out;
    }

    static void play(HlsPackager packager, String name, List<Message> messages) {
        packager.onPublish(name);
        for (Message message : messages) {
            packager.onMessage(name, message.type(), message.timestamp(), message.buffer());
        }
        packager.onUnpublish(name);
    }

    static void assertPlaylistIsValid(HlsPlaylist playlist, int playlistSize) {
        String text = playlist.render("s/");
        assertThat(text).startsWith("#EXTM3U\n");
        assertThat(text.endsWith("#EXT-X-ENDLIST\n")).isEqualTo(playlist.ended());
        Matcher target = TARGET.matcher(text);
        assertThat(target.find()).isTrue();
        long targetSeconds = Long.parseLong(target.group(1));
        Matcher extinf = EXTINF.matcher(text);
        int listed = 0;
        while (extinf.find()) {
            long millis = Long.parseLong(extinf.group(1)) * 1000 + Long.parseLong(extinf.group(2));
            assertThat(millis).isPositive();
            assertThat((millis + 500) / 1000).as("EXTINF rounded, within the target (RFC 8216 4.3.3.1)")
                    .isLessThanOrEqualTo(targetSeconds);
            listed++;
        }
        assertThat(listed).isLessThanOrEqualTo(playlistSize);
    }

    static byte[] bytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }
}
