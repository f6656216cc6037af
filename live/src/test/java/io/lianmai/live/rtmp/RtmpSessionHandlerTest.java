package io.lianmai.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.live.amf.Amf0Object;
import io.lianmai.live.amf.Amf0Value;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The session state machine on an EmbeddedChannel, fed {@link RtmpMessage}s as the chunk decoder would. */
class RtmpSessionHandlerTest {
    final List<String> events = new ArrayList<>();
    final List<String> authorized = new ArrayList<>();
    CompletableFuture<AuthorizationResult> decision = CompletableFuture.completedFuture(AuthorizationResult.allow());

    final StreamAuthorizer authorizer = new StreamAuthorizer() {
        @Override
        public CompletionStage<AuthorizationResult> authorizePublish(String app, String streamName, String query) {
            authorized.add("publish " + app + "/" + streamName + "?" + query);
            return decision;
        }

        @Override
        public CompletionStage<AuthorizationResult> authorizePlay(String app, String streamName, String query) {
            authorized.add("play " + app + "/" + streamName + "?" + query);
            return decision;
        }
    };

    final RtmpSessionListener listener = new RtmpSessionListener() {
        @Override
        public void onPublish(RtmpStream stream) {
            events.add("publish " + stream.app() + "/" + stream.streamName() + " #" + stream.streamId());
        }

        @Override
        public void onMediaMessage(RtmpStream stream, RtmpMessage message) {
            events.add("media " + message.typeId() + " @" + message.timestamp());
        }

        @Override
        public void onPlay(RtmpStream stream) {
            events.add("play " + stream.streamName());
        }

        @Override
        public void onClose(RtmpStream stream) {
            events.add("close " + stream.streamName());
        }
    };

    final EmbeddedChannel channel = new EmbeddedChannel(
            new RtmpSessionHandler(RtmpServerConfig.DEFAULT, authorizer, listener));

    private List<RtmpMessage> sent() {
        List<RtmpMessage> out = new ArrayList<>();
        for (RtmpMessage m; (m = channel.readOutbound()) != null; ) {
            out.add(m);
        }
        return out;
    }

    private List<String> sentCommands() {
        List<String> out = new ArrayList<>();
        for (RtmpMessage m : sent()) {
            if (m.typeId() == RtmpMessageType.COMMAND_AMF0) {
                RtmpCommand c = RtmpCommand.decode(m);
                String code = c.argument(0) instanceof Amf0Object info ? " " + info.string("code") : "";
                out.add(c.name() + code);
            } else {
                out.add("type " + m.typeId());
            }
            m.release();
        }
        return out;
    }

    private void command(int streamId, String name, double txn, Amf0Value object, Amf0Value... args) {
        channel.writeInbound(new RtmpCommand(name, txn, object, List.of(args)).toMessage(streamId));
    }

    private void connect() {
        command(0, "connect", 1, Amf0Object.builder().put("app", "live").put("tcUrl", "rtmp://h/live").build());
    }

    @Test
    void publishHappyPath() {
        connect();
        assertThat(sentCommands()).containsExactly("type 5", "type 6", "type 1",
                "_result NetConnection.Connect.Success");
        command(0, "releaseStream", 2, null, Amf0Value.of("cam"));
        command(0, "FCPublish", 3, null, Amf0Value.of("cam"));
        command(0, "createStream", 4, null);
        List<RtmpMessage> created = sent();
        RtmpCommand createResult = RtmpCommand.decode(created.get(2));
        assertThat(createResult.name()).isEqualTo("_result");
        assertThat(createResult.transactionId()).isEqualTo(4);
        assertThat(createResult.argument(0).asNumber()).isEqualTo(1);
        created.forEach(RtmpMessage::release);

        command(1, "publish", 5, null, Amf0Value.of("cam?usersig=abc&userid=u1"), Amf0Value.of("live"));
        assertThat(authorized).containsExactly("publish live/cam?usersig=abc&userid=u1");
        channel.runPendingTasks();
        assertThat(sentCommands()).containsExactly("onStatus NetStream.Publish.Start");

        channel.writeInbound(RtmpMessage.of(RtmpMessageType.DATA_AMF0, 1, 0, Unpooled.buffer()));
        channel.writeInbound(RtmpMessage.of(RtmpMessageType.VIDEO, 1, 0, Unpooled.wrappedBuffer(new byte[] {0x17})));
        channel.writeInbound(RtmpMessage.of(RtmpMessageType.AUDIO, 1, 23, Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF})));
        command(0, "FCUnpublish", 6, null, Amf0Value.of("cam"));
        command(0, "deleteStream", 7, null, Amf0Value.of(1));
        channel.close();
        assertThat(events).containsExactly("publish live/cam #1", "media 18 @0", "media 9 @0", "media 8 @23",
                "close cam");
    }

    @Test
    void rejectedPublishGetsTheErrorStatusAndTheConnectionCloses() {
        decision = CompletableFuture.completedFuture(
                AuthorizationResult.reject(NetStatus.PUBLISH_BAD_NAME, "UserSig expired"));
        connect();
        command(0, "createStream", 2, null);
        sent().forEach(RtmpMessage::release);
        command(1, "publish", 3, null, Amf0Value.of("cam?usersig=bad"));
        channel.runPendingTasks();
        List<RtmpMessage> out = sent();
        RtmpCommand status = RtmpCommand.decode(out.get(0));
        Amf0Object info = (Amf0Object) status.argument(0);
        assertThat(info.string("level")).isEqualTo("error");
        assertThat(info.string("code")).isEqualTo("NetStream.Publish.BadName");
        assertThat(info.string("description")).isEqualTo("UserSig expired");
        out.forEach(RtmpMessage::release);
        assertThat(channel.isOpen()).isFalse();
        assertThat(events).isEmpty();
    }

    @Test
    void mediaBeforePublishIsAcceptedIsDropped() {
        decision = new CompletableFuture<>();
        connect();
        command(0, "createStream", 2, null);
        command(1, "publish", 3, null, Amf0Value.of("cam"));
        channel.writeInbound(RtmpMessage.of(RtmpMessageType.VIDEO, 1, 0, Unpooled.wrappedBuffer(new byte[] {1})));
        decision.complete(AuthorizationResult.allow());
        channel.runPendingTasks();
        channel.writeInbound(RtmpMessage.of(RtmpMessageType.VIDEO, 1, 40, Unpooled.wrappedBuffer(new byte[] {1})));
        assertThat(events).containsExactly("publish live/cam #1", "media 9 @40");
        assertThat(channel.pipeline().get(RtmpSessionHandler.class).droppedMessages()).isEqualTo(1);
        sent().forEach(RtmpMessage::release);
    }

    @Test
    void playSendsStreamBeginResetStartAndSampleAccess() {
        connect();
        command(0, "createStream", 2, null);
        sent().forEach(RtmpMessage::release);
        command(1, "play", 3, null, Amf0Value.of("cam?usersig=x"), Amf0Value.of(-2));
        channel.runPendingTasks();
        assertThat(sentCommands()).containsExactly("type 4", "onStatus NetStream.Play.Reset",
                "onStatus NetStream.Play.Start", "type 18");
        assertThat(authorized).containsExactly("play live/cam?usersig=x");
        assertThat(events).containsExactly("play cam");
    }

    @Test
    void playOfAMissingStream() {
        decision = CompletableFuture.completedFuture(
                AuthorizationResult.reject(NetStatus.PLAY_STREAM_NOT_FOUND, "cam is not live"));
        connect();
        command(0, "createStream", 2, null);
        sent().forEach(RtmpMessage::release);
        command(1, "play", 3, null, Amf0Value.of("cam"));
        channel.runPendingTasks();
        assertThat(sentCommands()).containsExactly("onStatus NetStream.Play.StreamNotFound");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void emptyStreamNameIsABadName() {
        connect();
        command(0, "createStream", 2, null);
        sent().forEach(RtmpMessage::release);
        command(1, "publish", 3, null, Amf0Value.of("?usersig=x"));
        assertThat(sentCommands()).containsExactly("onStatus NetStream.Publish.BadName");
        assertThat(authorized).isEmpty();
    }

    @Test
    void commandBeforeConnectClosesTheConnection() {
        command(0, "createStream", 1, null);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void publishOnAStreamThatWasNeverCreated() {
        connect();
        command(5, "publish", 3, null, Amf0Value.of("cam"));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void amfGarbageInACommandClosesOnlyThisConnection() {
        channel.writeInbound(RtmpMessage.of(RtmpMessageType.COMMAND_AMF0, 0, 0,
                Unpooled.wrappedBuffer(new byte[] {2, 0, 50, 'x'})));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void enhancedRtmpConnectAnnouncesHevcOnly() {
        command(0, "connect", 1, Amf0Object.builder().put("app", "live")
                .put("fourCcList", new io.lianmai.live.amf.Amf0StrictArray(List.of(Amf0Value.of("av01"),
                        Amf0Value.of("hvc1"), Amf0Value.of("vp09")))).build());
        List<RtmpMessage> out = sent();
        RtmpCommand result = RtmpCommand.decode(out.get(3));
        assertThat(((Amf0Object) result.commandObject()).get("fourCcList")).isEqualTo(
                new io.lianmai.live.amf.Amf0StrictArray(List.of(Amf0Value.of("hvc1"))));
        assertThat(((Amf0Object) result.commandObject()).string("fmsVer")).startsWith("FMS/");
        out.forEach(RtmpMessage::release);
    }

    @Test
    void pingIsAnswered() {
        channel.writeInbound(UserControlMessage.pingRequest(1234).toMessage());
        List<RtmpMessage> out = sent();
        assertThat(UserControlMessage.decode(out.get(0))).isEqualTo(UserControlMessage.pingResponse(1234));
        out.forEach(RtmpMessage::release);
    }

    @Test
    void connectWithoutAppIsRejected() {
        assertThatThrownBy(() -> ConnectCommand.from(new RtmpCommand("connect", 1, Amf0Object.builder().build(),
                List.of()))).isInstanceOf(RtmpException.class).hasMessageContaining("without an app name");
    }

    @Test
    void aPeerThatGoesAwayIsANormalDisconnectNotAnError() {
        assertThat(RtmpSessionHandler.isDisconnect(new java.net.SocketException("Connection reset"))).isTrue();
        assertThat(RtmpSessionHandler.isDisconnect(
                new java.io.IOException("writev(..) failed: Broken pipe"))).isTrue();
        assertThat(RtmpSessionHandler.isDisconnect(new java.io.IOException("Connection reset by peer"))).isTrue();
        assertThat(RtmpSessionHandler.isDisconnect(new java.nio.channels.ClosedChannelException())).isTrue();
        assertThat(RtmpSessionHandler.isDisconnect(new java.io.EOFException())).isTrue();

        assertThat(RtmpSessionHandler.isDisconnect(new java.io.IOException("No space left on device"))).isFalse();
        assertThat(RtmpSessionHandler.isDisconnect(new IllegalStateException("Connection reset"))).isFalse();
        assertThat(RtmpSessionHandler.isDisconnect(new OutOfMemoryError())).isFalse();
    }
}
