package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.live.flv.FlvTags;
import io.lianmai.live.flv.LiveStreamHub;
import io.lianmai.media.MediaConfig;
import io.lianmai.media.MediaServer;
import io.lianmai.room.LocalRoomRegistry;
import io.lianmai.room.RoomConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * An RTMP publisher sending garbage (broken sequence headers, truncated NAL units, wrong codec ids, random bytes)
 * into a room: the bridge skips what it cannot read, never throws into the hub, and the stream's FLV players keep
 * receiving every tag.
 */
class LiveBridgesGarbageTest {
    private static MediaServer media;
    private static LiveStreamHub hub;
    private static LiveBridges bridges;
    private static int streams;

    @BeforeContainer
    static void start() {
        media = MediaServer.start(new MediaConfig("127.0.0.1", 0, -1, List.of("127.0.0.1"), Duration.ofSeconds(30),
                Duration.ofSeconds(10)));
        hub = new LiveStreamHub(ByteBufAllocator.DEFAULT);
        bridges = new LiveBridges(hub, media, new LocalRoomRegistry(RoomConfig.defaults(), Clock.systemUTC()),
                Clock.systemUTC(), 30_000, 10, name -> io.lianmai.auth.Privileges.all());
    }

    @AfterContainer
    static void stop() {
        bridges.close();
        media.close();
    }

    @Property(tries = 300)
    void garbageNeverEscapesTheBridge(@ForAll("messages") List<byte[]> bodies, @ForAll("types") List<Integer> types) {
        String name = "1400000000_77_garbage" + (streams++) + "_main";
        hub.publish(name);
        CountingPlayer player = new CountingPlayer();
        assertThat(hub.play(name, player)).isTrue();
        int sent = 0;
        for (int i = 0; i < bodies.size(); i++) {
            int type = types.get(i % types.size());
            hub.onMessage(name, type, i * 33L, Unpooled.wrappedBuffer(bodies.get(i)));
            sent++;
        }
        assertThat(player.tags).as("the FLV header, then every tag").isEqualTo(1 + sent);
        assertThat(hub.observerFailures()).as("the bridge threw into the hub").isZero();
        hub.unpublish(name);
    }

    @Provide
    Arbitrary<List<byte[]>> messages() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(64);
        // Plausible prefixes with garbage after them: AVC sequence header / NALU, AAC sequence header / raw.
        Arbitrary<byte[]> prefixed = Arbitraries.of(new byte[] {0x17, 0, 0, 0, 0}, new byte[] {0x17, 1, 0, 0, 0},
                new byte[] {0x27, 1, 0, 0, 0}, new byte[] {(byte) 0xAF, 0}, new byte[] {(byte) 0xAF, 1},
                new byte[] {(byte) 0x9C, 0x68}).flatMap(prefix -> random.map(tail -> {
                    byte[] body = new byte[prefix.length + tail.length];
                    System.arraycopy(prefix, 0, body, 0, prefix.length);
                    System.arraycopy(tail, 0, body, prefix.length, tail.length);
                    return body;
                }));
        return Arbitraries.oneOf(random, prefixed).list().ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<Integer>> types() {
        return Arbitraries.of(FlvTags.AUDIO, FlvTags.VIDEO, FlvTags.SCRIPT).list().ofMinSize(1).ofMaxSize(5);
    }

    private static final class CountingPlayer implements io.lianmai.live.flv.FlvPlayer {
        int tags;

        @Override
        public boolean offer(io.netty.buffer.ByteBuf bytes) {
            tags++;
            bytes.release();
            return true;
        }

        @Override
        public void end() {
            // nothing to close
        }
    }
}
