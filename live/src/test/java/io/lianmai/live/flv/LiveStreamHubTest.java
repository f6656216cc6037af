package io.lianmai.live.flv;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveStreamHubTest {
    private static final byte[] AVC_CONFIG = {0x17, 0x00, 0, 0, 0, 1, 2};
    private static final byte[] AAC_CONFIG = {(byte) 0xAF, 0x00, 0x12, 0x10};
    private static final byte[] KEYFRAME = {0x17, 0x01, 0, 0, 0, 9};
    private static final byte[] DELTA = {0x27, 0x01, 0, 0, 0, 8};
    private static final byte[] AUDIO = {(byte) 0xAF, 0x01, 7};

    private final LiveStreamHub hub = new LiveStreamHub(UnpooledByteBufAllocator.DEFAULT);

    @Test
    void aLateJoinerGetsHeaderConfigurationAndTheGopFromItsKeyframe() {
        hub.publish("s");
        send(FlvTags.VIDEO, 0, AVC_CONFIG);
        send(FlvTags.AUDIO, 0, AAC_CONFIG);
        send(FlvTags.VIDEO, 0, KEYFRAME);
        send(FlvTags.VIDEO, 33, DELTA);
        send(FlvTags.VIDEO, 1000, KEYFRAME);
        send(FlvTags.AUDIO, 1010, AUDIO);
        Recorder player = new Recorder(Integer.MAX_VALUE);

        assertThat(hub.play("s", player)).isTrue();
        send(FlvTags.VIDEO, 1033, DELTA);

        assertThat(player.chunks.get(0)).startsWith('F', 'L', 'V', 1, 0x05);
        List<Integer> types = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (byte[] tag : player.chunks.subList(1, player.chunks.size())) {
            types.add(tag[0] & 0xFF);
            times.add((long) (((tag[4] & 0xFF) << 16) | ((tag[5] & 0xFF) << 8) | (tag[6] & 0xFF)));
        }
        assertThat(types).containsExactly(9, 8, 9, 8, 9);
        assertThat(times).containsExactly(0L, 0L, 1000L, 1010L, 1033L);
        assertThat(player.chunks.get(3)[11]).as("the GOP starts on the keyframe").isEqualTo((byte) 0x17);
    }

    @Test
    void aPlayerThatCannotKeepUpIsDroppedNotBuffered() {
        hub.publish("s");
        Recorder slow = new Recorder(3);
        Recorder fast = new Recorder(Integer.MAX_VALUE);
        hub.play("s", slow);
        hub.play("s", fast);

        for (int i = 0; i < 10; i++) {
            send(FlvTags.AUDIO, i * 20, AUDIO);
        }

        assertThat(slow.ended).isTrue();
        assertThat(fast.ended).isFalse();
        assertThat(hub.playerCount("s")).isEqualTo(1);
        assertThat(fast.chunks).hasSize(11);
    }

    @Test
    void playersEndWithThePublisherAndUnknownStreamsAreRefused() {
        hub.publish("s");
        Recorder player = new Recorder(Integer.MAX_VALUE);
        hub.play("s", player);

        hub.unpublish("s");

        assertThat(player.ended).isTrue();
        assertThat(hub.play("s", new Recorder(10))).isFalse();
        assertThat(hub.isLive("s")).isFalse();
    }

    @Test
    void aLowLatencyPlayerSkipsTheGopAndStartsAtTheNextKeyframe() {
        hub.publish("s");
        send(FlvTags.SCRIPT, 0, new byte[] {0x02, 0x00, 0x01, 'm'});
        send(FlvTags.VIDEO, 0, AVC_CONFIG);
        send(FlvTags.AUDIO, 0, AAC_CONFIG);
        send(FlvTags.VIDEO, 0, KEYFRAME);
        send(FlvTags.VIDEO, 33, DELTA);
        send(FlvTags.AUDIO, 40, AUDIO);
        Recorder player = new Recorder(Integer.MAX_VALUE);

        assertThat(hub.play("s", player, LiveStreamHub.Start.NEXT_KEYFRAME)).isTrue();
        send(FlvTags.VIDEO, 66, DELTA);
        send(FlvTags.AUDIO, 60, AUDIO);
        send(FlvTags.VIDEO, 1000, KEYFRAME);
        send(FlvTags.AUDIO, 1010, AUDIO);
        send(FlvTags.VIDEO, 1033, DELTA);

        assertThat(player.chunks.get(0)).startsWith('F', 'L', 'V', 1, 0x05);
        List<String> tags = new ArrayList<>();
        for (byte[] tag : player.chunks.subList(1, player.chunks.size())) {
            tags.add((tag[0] & 0xFF) + "@" + (((tag[4] & 0xFF) << 16) | ((tag[5] & 0xFF) << 8) | (tag[6] & 0xFF)));
        }
        assertThat(tags).as("metadata and configuration at once, then nothing before the keyframe that arrived "
                + "after attaching").containsExactly("18@0", "9@0", "8@0", "9@1000", "8@1010", "9@1033");
        assertThat(player.chunks.get(4)[11]).isEqualTo((byte) 0x17);
    }

    @Test
    void aLowLatencyPlayerOfAnAudioOnlyStreamDoesNotWait() {
        hub.publish("s");
        send(FlvTags.AUDIO, 0, AAC_CONFIG);
        send(FlvTags.AUDIO, 20, AUDIO);
        Recorder player = new Recorder(Integer.MAX_VALUE);

        hub.play("s", player, LiveStreamHub.Start.NEXT_KEYFRAME);
        send(FlvTags.AUDIO, 40, AUDIO);

        assertThat(player.chunks).hasSize(3);
        assertThat(player.chunks.get(2)[0]).isEqualTo((byte) FlvTags.AUDIO);
    }

    @Test
    void anAudioOnlyStreamDeclaresOnlyAudioInTheFlvHeader() {
        hub.publish("s", false);
        send(FlvTags.AUDIO, 0, AAC_CONFIG);
        Recorder player = new Recorder(Integer.MAX_VALUE);
        hub.play("s", player);
        assertThat(player.chunks.get(0)[4]).as("FLV header flags: audio only").isEqualTo((byte) 0x04);
        hub.publish("t");
        Recorder both = new Recorder(Integer.MAX_VALUE);
        hub.play("t", both);
        assertThat(both.chunks.get(0)[4]).as("FLV header flags: audio and video").isEqualTo((byte) 0x05);
    }

    @Test
    void aTagPlayerGetsTypeTimestampAndTheBodyBack() {
        hub.publish("s");
        send(FlvTags.VIDEO, 0, AVC_CONFIG);
        send(FlvTags.VIDEO, 0x01020304L, KEYFRAME);
        List<String> got = new ArrayList<>();
        FlvTagPlayer player = new FlvTagPlayer() {
            @Override
            protected boolean onTag(int type, long timestamp, ByteBuf body) {
                byte[] bytes = new byte[body.readableBytes()];
                body.readBytes(bytes);
                body.release();
                got.add(type + "@" + timestamp + " " + java.util.Arrays.toString(bytes));
                return true;
            }

            @Override
            protected boolean accepting() {
                return true;
            }

            @Override
            public void end() {
                got.add("end");
            }
        };

        hub.play("s", player);
        hub.unpublish("s");

        assertThat(got).containsExactly("9@0 " + java.util.Arrays.toString(AVC_CONFIG),
                "9@16909060 " + java.util.Arrays.toString(KEYFRAME), "end");
    }

    @Test
    void setDataFrameIsStrippedFromMetadata() {
        hub.publish("s");
        byte[] body = new byte[] {0x02, 0x00, 0x0D, '@', 's', 'e', 't', 'D', 'a', 't', 'a', 'F', 'r', 'a', 'm', 'e',
            0x02, 0x00, 0x0A, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a', 't', 'a'};
        send(FlvTags.SCRIPT, 0, body);
        Recorder player = new Recorder(Integer.MAX_VALUE);
        hub.play("s", player);

        byte[] tag = player.chunks.get(1);
        assertThat(tag[0]).isEqualTo((byte) 18);
        assertThat(new String(tag, 14, 10, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("onMetaData");
    }

    private void send(int type, long timestamp, byte[] body) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        hub.onMessage("s", type, timestamp, buf);
        buf.release();
    }

    private static final class Recorder implements FlvPlayer {
        final List<byte[]> chunks = new ArrayList<>();
        final int capacity;
        boolean ended;

        Recorder(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public boolean offer(ByteBuf bytes) {
            if (chunks.size() >= capacity) {
                bytes.release();
                return false;
            }
            byte[] copy = new byte[bytes.readableBytes()];
            bytes.readBytes(copy);
            bytes.release();
            chunks.add(copy);
            return true;
        }

        @Override
        public void end() {
            ended = true;
        }
    }
}
