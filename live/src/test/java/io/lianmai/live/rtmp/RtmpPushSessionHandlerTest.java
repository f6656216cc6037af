package io.lianmai.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.live.amf.Amf0Null;
import io.lianmai.live.amf.Amf0Object;
import io.lianmai.live.amf.Amf0Value;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The publishing client's command sequence on an EmbeddedChannel, fed the server's replies. */
class RtmpPushSessionHandlerTest {
    private final RtmpPushSessionHandler session = new RtmpPushSessionHandler(
            RtmpUrl.parse("rtmp://cdn.example/live/s1?txSecret=k"), 4096, 10_000);
    private final EmbeddedChannel channel = new EmbeddedChannel(session);

    @Test
    void connectCreateStreamPublish() throws Exception {
        channel.pipeline().fireUserEventTriggered(RtmpHandshakeHandler.HANDSHAKE_COMPLETE);
        List<RtmpMessage> first = sent();
        assertThat(first.get(0).typeId()).isEqualTo(RtmpMessageType.SET_CHUNK_SIZE);
        assertThat(SetChunkSize.decode(first.get(0)).chunkSize()).isEqualTo(4096);
        RtmpCommand connect = RtmpCommand.decode(first.get(1));
        assertThat(connect.name()).isEqualTo("connect");
        Amf0Object properties = (Amf0Object) connect.commandObject();
        assertThat(properties.string("app")).isEqualTo("live");
        assertThat(properties.string("tcUrl")).isEqualTo("rtmp://cdn.example:1935/live");
        assertThat(properties.string("type")).isEqualTo("nonprivate");

        reply(RtmpResponses.connectSuccess(1, 0, List.of()));
        assertThat(commands()).containsExactly("releaseStream s1?txSecret=k", "FCPublish s1?txSecret=k",
                "createStream");

        reply(RtmpResponses.createStreamResult(4, 3));
        List<RtmpMessage> publish = sent();
        assertThat(publish.get(0).streamId()).isEqualTo(3);
        RtmpCommand command = RtmpCommand.decode(publish.get(0));
        assertThat(command.name()).isEqualTo("publish");
        assertThat(command.stringArgument(0)).isEqualTo("s1?txSecret=k");
        assertThat(command.stringArgument(1)).isEqualTo("live");
        assertThat(session.published()).isNotDone();

        reply(RtmpResponses.onStatus(3, NetStatus.LEVEL_STATUS, NetStatus.PUBLISH_START, "s1 is now published."));
        assertThat(session.published().get()).isEqualTo(3);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aRefusedPublishFailsWithTheServersCodeAndDescription() {
        channel.pipeline().fireUserEventTriggered(RtmpHandshakeHandler.HANDSHAKE_COMPLETE);
        reply(RtmpResponses.connectSuccess(1, 0, List.of()));
        reply(RtmpResponses.createStreamResult(4, 1));
        sent();

        reply(RtmpResponses.onStatus(1, NetStatus.LEVEL_ERROR, NetStatus.PUBLISH_DENIED, "-100018 bad UserSig"));

        assertThat(session.published()).isCompletedExceptionally();
        assertThat(failure()).contains("rtmp://cdn.example:1935/live/s1?<query> refused publish: "
                + "NetStream.Publish.Denied -100018 bad UserSig").doesNotContain("txSecret");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aRefusedConnectFails() {
        channel.pipeline().fireUserEventTriggered(RtmpHandshakeHandler.HANDSHAKE_COMPLETE);
        reply(RtmpResponses.error(1, NetStatus.CONNECT_REJECTED, "no such app"));

        assertThat(failure()).contains("refused connect: NetConnection.Connect.Rejected no such app");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void pingsAreAnsweredAndTheConnectionClosingBeforePublishFails() {
        reply(UserControlMessage.pingRequest(77).toMessage());
        RtmpMessage pong = channel.readOutbound();
        assertThat(UserControlMessage.decode(pong)).isEqualTo(UserControlMessage.pingResponse(77));
        pong.release();

        channel.close();

        assertThat(failure()).contains("closed the connection before publishing started");
    }

    @Test
    void aTimeoutFailsThePublish() throws Exception {
        RtmpPushSessionHandler handler = new RtmpPushSessionHandler(RtmpUrl.parse("rtmp://h/live/s"), 4096, 1);
        EmbeddedChannel slow = new EmbeddedChannel(handler);
        Thread.sleep(5);
        slow.runScheduledPendingTasks();

        assertThat(handler.published()).isCompletedExceptionally();
        assertThat(slow.isOpen()).isFalse();
    }

    /** Random command replies never throw anything but an RtmpException, and never leave the handler wedged open. */
    @Property(tries = 300)
    void garbageRepliesEndInPublishedOrFailed(@ForAll("script") List<Integer> script, @ForAll("noise") byte[] noise) {
        RtmpPushSessionHandler handler = new RtmpPushSessionHandler(RtmpUrl.parse("rtmp://h/live/s"), 4096, 10_000);
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        ch.pipeline().fireUserEventTriggered(RtmpHandshakeHandler.HANDSHAKE_COMPLETE);
        for (int step : script) {
            if (!ch.isOpen()) {
                break;
            }
            RtmpMessage m = switch (step) {
                case 0 -> RtmpResponses.connectSuccess(1, 0, List.of());
                case 1 -> RtmpResponses.createStreamResult(4, 1);
                case 2 -> RtmpResponses.result(4, Amf0Value.of("not a number"));
                case 3 -> new RtmpCommand("onStatus", 0, Amf0Null.INSTANCE, List.of(Amf0Value.of(5))).toMessage(1);
                case 4 -> RtmpMessage.of(RtmpMessageType.COMMAND_AMF0, 0, 0, Unpooled.wrappedBuffer(noise));
                case 5 -> RtmpMessage.of(RtmpMessageType.USER_CONTROL, 0, 0, Unpooled.wrappedBuffer(noise));
                default -> RtmpMessage.of(RtmpMessageType.WINDOW_ACKNOWLEDGEMENT_SIZE, 0, 0,
                        Unpooled.wrappedBuffer(noise));
            };
            try {
                ch.writeInbound(m);
            } catch (RtmpException expected) {
                // the channel closes on it
            }
            drain(ch);
        }
        if (handler.published().isCompletedExceptionally()) {
            assertThat(ch.isOpen()).isFalse();
        }
        ch.finishAndReleaseAll();
    }

    @Provide
    Arbitrary<List<Integer>> script() {
        return Arbitraries.integers().between(0, 6).list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<byte[]> noise() {
        return Arbitraries.bytes().list().ofMaxSize(64).map(RtmpPushSessionHandlerTest::toArray);
    }

    private static byte[] toArray(List<Byte> bytes) {
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }

    private void reply(RtmpMessage message) {
        channel.writeInbound(message);
    }

    private String failure() {
        try {
            session.published().get();
            return "published";
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private List<RtmpMessage> sent() {
        List<RtmpMessage> out = new ArrayList<>();
        for (RtmpMessage m; (m = channel.readOutbound()) != null; ) {
            out.add(m);
        }
        return out;
    }

    private List<String> commands() {
        List<String> out = new ArrayList<>();
        for (RtmpMessage m : sent()) {
            RtmpCommand c = RtmpCommand.decode(m);
            out.add(c.name() + (c.stringArgument(0) == null ? "" : " " + c.stringArgument(0)));
            m.release();
        }
        return out;
    }

    private static void drain(EmbeddedChannel ch) {
        for (Object m; (m = ch.readOutbound()) != null; ) {
            io.netty.util.ReferenceCountUtil.release(m);
        }
    }
}
