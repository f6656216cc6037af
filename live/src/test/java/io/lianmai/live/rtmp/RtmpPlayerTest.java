package io.lianmai.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.live.amf.Amf0Object;
import io.lianmai.live.flv.FlvTags;
import io.lianmai.live.flv.LiveStreamHub;
import io.lianmai.live.flv.WriteMerger;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A hub stream played over RTMP: messages on the play stream (chunked by the connection's own encoder, merged per
 * window), the end-of-stream statuses, slow clients dropped.
 */
class RtmpPlayerTest {
    private static final byte[] AVC_CONFIG = {0x17, 0x00, 0, 0, 0, 1, 2};
    private static final byte[] KEYFRAME = {0x17, 0x01, 0, 0, 0, 9};
    private static final byte[] DELTA = {0x27, 0x01, 0, 0, 0, 8};

    private final LiveStreamHub hub = new LiveStreamHub(UnpooledByteBufAllocator.DEFAULT);

    private static RtmpPlayer player(RtmpStream stream, EmbeddedChannel channel, long maxBacklog) {
        return new RtmpPlayer(stream, new WriteMerger(channel.eventLoop(), 0), maxBacklog);
    }

    @Test
    void thePlayerGetsConfigurationAndTheGopAsMessagesOnItsStream() {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkEncoder());
        RtmpStream stream = new RtmpStream(channel, "live", StreamName.parse("s"), 1, RtmpStream.Role.PLAY);
        hub.publish("s");
        send(FlvTags.VIDEO, 0, AVC_CONFIG);
        send(FlvTags.VIDEO, 40, KEYFRAME);

        assertThat(hub.play("s", player(stream, channel, 1 << 20))).isTrue();
        send(FlvTags.VIDEO, 0x01000050L, DELTA);
        channel.runPendingTasks();

        assertThat(messages(channel)).containsExactly("9 stream 1 @0 [23, 0, 0, 0, 0, 1, 2]",
                "9 stream 1 @40 [23, 1, 0, 0, 0, 9]", "9 stream 1 @16777296 [39, 1, 0, 0, 0, 8]");
    }

    @Test
    void theEndOfTheStreamIsAnnouncedThenTheConnectionCloses() {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkEncoder());
        RtmpStream stream = new RtmpStream(channel, "live", StreamName.parse("s"), 1, RtmpStream.Role.PLAY);
        hub.publish("s");
        hub.play("s", player(stream, channel, 1 << 20));

        hub.unpublish("s");
        channel.runPendingTasks();

        assertThat(messages(channel)).containsExactly("onStatus NetStream.Play.UnpublishNotify",
                "4 stream 0 @0 [0, 1, 0, 0, 0, 1]", "onStatus NetStream.Play.Stop");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aClientThatDoesNotReadIsDroppedAtTheBacklogLimit() {
        List<ChannelPromise> stuck = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
                stuck.add(promise); // never written: the socket is full
            }
        }, new RtmpChunkEncoder());
        RtmpStream stream = new RtmpStream(channel, "live", StreamName.parse("s"), 1, RtmpStream.Role.PLAY);
        RtmpPlayer player = player(stream, channel, 100);
        hub.publish("s");
        hub.play("s", player);

        for (int i = 0; i < 30; i++) {
            send(FlvTags.VIDEO, i * 33L, new byte[20]);
            channel.runPendingTasks();
        }

        assertThat(player.dropped()).isTrue();
        // The FLV header (13 bytes) and three 35-byte tags, then the fourth finds more than 100 bytes behind.
        assertThat(player.backlogBytes()).isEqualTo(13 + 3 * 35);
        assertThat(hub.playerCount("s")).isZero();
        assertThat(channel.isOpen()).isFalse();
    }

    private void send(int type, long timestamp, byte[] body) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        hub.onMessage("s", type, timestamp, buf);
        buf.release();
    }

    /** What the client decodes from the bytes written to {@code channel}. */
    private static List<String> messages(EmbeddedChannel channel) {
        EmbeddedChannel client = new EmbeddedChannel(new RtmpChunkDecoder());
        for (Object o; (o = channel.readOutbound()) != null; ) {
            client.writeInbound(o);
        }
        List<String> out = new ArrayList<>();
        for (Object o; (o = client.readInbound()) != null; ) {
            RtmpMessage m = (RtmpMessage) o;
            if (m.typeId() == RtmpMessageType.COMMAND_AMF0) {
                out.add("onStatus " + ((Amf0Object) RtmpCommand.decode(m).argument(0)).string("code"));
            } else {
                byte[] body = new byte[m.payload().readableBytes()];
                m.payload().getBytes(m.payload().readerIndex(), body);
                out.add(m.typeId() + " stream " + m.streamId() + " @" + m.timestamp() + " "
                        + java.util.Arrays.toString(body));
            }
            m.release();
        }
        return out;
    }
}
