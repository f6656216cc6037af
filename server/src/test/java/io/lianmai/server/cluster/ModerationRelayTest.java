package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.auth.Privileges;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.UserId;
import io.lianmai.room.EnterRequest;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.LocalRoomRegistry;
import io.lianmai.room.Member;
import io.lianmai.room.MemberListener;
import io.lianmai.room.Role;
import io.lianmai.room.RoomConfig;
import io.lianmai.room.RoomEvent;
import io.lianmai.room.RoomKey;
import io.lianmai.room.Scene;
import io.lianmai.server.api.RoomModeration;
import io.lianmai.server.config.LimitsConfig;
import io.lianmai.server.config.LiveConfig;
import io.lianmai.server.limits.Admission;
import io.lianmai.server.live.LiveService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@code POST /internal/v1/moderate} over a real HTTP server on loopback. A room action asked on another node (its
 * own {@link ModerationRelay}, told that this one is the other node of the cluster) runs here, from the server API's
 * worker threads, every time. Bodies signed correctly by another node of the cluster (so that they pass the signature
 * and reach the parser) but malformed — not JSON, not an object, fields missing or of the wrong type, values out of
 * range or huge — are each answered 400 with an error that says what a room action is, nobody is removed, and a
 * valid signed action right after still removes its member.
 */
class ModerationRelayTest {
    private static final byte[] SECRET = new byte[32];
    private static final SdkAppId APP = new SdkAppId(1_400_000_001L);
    private static final String ERROR_PREFIX = "a room action is {action: DISMISS|REMOVE|REPLACE, sdkAppId, roomKey, "
            + "userIds}: ";

    static {
        Arrays.fill(SECRET, (byte) 42);
    }

    private static Vertx vertx;
    private static LiveService live;
    private static LocalRoomRegistry rooms;
    private static java.net.http.HttpClient client;
    private static int port;
    private static int members;
    private static final NodeRequestSigner OTHER_NODE = new NodeRequestSigner(SECRET, "node-b", Clock.systemUTC());

    @BeforeContainer
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Clock clock = Clock.systemUTC();
        rooms = new LocalRoomRegistry(RoomConfig.defaults(), clock);
        live = new LiveService(vertx, null, sdkAppId -> Optional.empty(), LiveConfig.DEFAULT, clock,
                new Admission(new LimitsConfig(100, 100, 100, 100, 2, 3, 1000, 1000, 100), clock));
        RoomModeration moderation = new RoomModeration(rooms, live, Duration.ofSeconds(60), clock);
        ModerationRelay relay = new ModerationRelay(vertx, List::of,
                new NodeRequestSigner(SECRET, "node-a", clock), moderation);
        Router router = Router.router(vertx);
        relay.mount(router);
        port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        client = java.net.http.HttpClient.newHttpClient();
    }

    @AfterContainer
    static void stop() throws Exception {
        live.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Example
    void anActionOnAnotherNodesRoomRunsThereFromWorkerThreads() throws Exception {
        ClusterNode here = new ClusterNode("node-a", "http://127.0.0.1:" + port + "/", "http://127.0.0.1:" + port + "/",
                0, -1, 1, 1, 0, 0, 0, false, 0, "test");
        java.util.function.Supplier<List<ClusterNode>> elsewhere = () -> List.of(here);
        Clock clock = Clock.systemUTC();
        RoomModeration onOtherNode = new RoomModeration(new LocalRoomRegistry(RoomConfig.defaults(), clock), live,
                Duration.ofSeconds(60), clock);
        onOtherNode.actElsewhereThrough(new ModerationRelay(vertx, elsewhere, OTHER_NODE, onOtherNode));
        String alice = enterMember();
        String keeper = enterMember(); // the room stays after alice leaves
        io.lianmai.common.RoomRef room = io.lianmai.common.RoomRef.parseKey("r77");

        // As the server API calls it: on a worker thread, blocking until the serving node answers.
        int calls = 300;
        long started = System.nanoTime();
        List<Optional<List<UserId>>> answers = vertx.executeBlocking(() -> {
            List<Optional<List<UserId>>> results = new ArrayList<>();
            results.add(onOtherNode.remove(APP, room, List.of(new UserId(alice))));
            for (int i = 1; i < calls; i++) {
                results.add(onOtherNode.remove(APP, room, List.of(new UserId("nobody"))));
            }
            return results;
        }, false).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(answers.get(0)).as("alice removed on the node serving the room").contains(List.of(new UserId(alice)));
        assertThat(rooms.find(room()).orElseThrow().member(new UserId(alice))).isEmpty();
        assertThat(rooms.find(room()).orElseThrow().member(new UserId(keeper))).isPresent();
        assertThat(answers.subList(1, calls)).allSatisfy(answer -> assertThat(answer).contains(List.of()));
        assertThat(millis).as("%d calls, none waiting out a timeout", calls).isLessThan(calls * 50L);
        assertThat(onOtherNode.dismiss(APP, io.lianmai.common.RoomRef.parseKey("r78"))).as("a room the serving node does not hold")
                .isEmpty();

        // A node with another secret is refused at once (401, before any work): each call fails at once too, with
        // the serving node's answer, never by waiting out its timeout (answers that come back that fast are the
        // ones a caller on a worker thread could miss).
        RoomModeration misconfigured = new RoomModeration(new LocalRoomRegistry(RoomConfig.defaults(), clock), live,
                Duration.ofSeconds(60), clock);
        byte[] otherSecret = SECRET.clone();
        otherSecret[0] ^= 1;
        misconfigured.actElsewhereThrough(new ModerationRelay(vertx, elsewhere,
                new NodeRequestSigner(otherSecret, "node-c", clock), misconfigured));
        long refusedStart = System.nanoTime();
        List<String> failures = vertx.executeBlocking(() -> {
            List<String> messages = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                try {
                    misconfigured.remove(APP, room, List.of(new UserId("nobody")));
                    messages.add("accepted");
                } catch (IllegalStateException e) {
                    messages.add(e.getMessage());
                }
            }
            return messages;
        }, false).toCompletionStage().toCompletableFuture().get(calls * 7L, TimeUnit.SECONDS);
        long refusedMillis = (System.nanoTime() - refusedStart) / 1_000_000;
        assertThat(failures).allSatisfy(message -> assertThat(message).contains("node node-a answered 401")
                .contains("bad signature"));
        assertThat(refusedMillis).as("%d refused calls, none waiting out a timeout", calls).isLessThan(calls * 50L);
    }

    /**
     * A login of a user on another node ends the user's login here (reason duplicate-login, no rejoin block): one
     * userID per call; a user not logged in here is not found.
     */
    @Example
    void aReplaceEndsTheUsersLoginHereAsADuplicateLogin() throws Exception {
        ClusterNode here = new ClusterNode("node-a", "http://127.0.0.1:" + port + "/", "http://127.0.0.1:" + port + "/",
                0, -1, 1, 1, 0, 0, 0, false, 0, "test");
        Clock clock = Clock.systemUTC();
        RoomModeration onOtherNode = new RoomModeration(new LocalRoomRegistry(RoomConfig.defaults(), clock), live,
                Duration.ofSeconds(60), clock);
        ModerationRelay relay = new ModerationRelay(vertx, () -> List.of(here), OTHER_NODE, onOtherNode);
        List<LeaveReason> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
        String bob = enterMember(reasons);
        enterMember(); // the room stays after bob leaves

        relay.replace("node-a", room(), new UserId(bob)).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(reasons).containsExactly(LeaveReason.DUPLICATE_LOGIN);
        assertThat(rooms.find(room()).orElseThrow().member(new UserId(bob))).isEmpty();
        assertThat(rooms.refusedUntil(room(), new UserId(bob))).as("no rejoin block").isEmpty();
        // Not logged in there (any more), or a node that is gone: nothing to do, no failure.
        relay.replace("node-a", room(), new UserId(bob)).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        relay.replace("node-gone", room(), new UserId(bob)).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        Answer two = post(new JsonObject().put("action", "REPLACE").put("sdkAppId", APP.value()).put("roomKey", "r77")
                .put("userIds", new JsonArray().add("a").add("b")).encode().getBytes(StandardCharsets.UTF_8));
        assertThat(two.status()).isEqualTo(400);
        assertThat(two.error()).startsWith(ERROR_PREFIX).contains("1..1 userIDs for REPLACE");
    }

    @Example
    void malformedSignedBodiesAreRefusedWithAClearErrorAndTheNodeStillActs() {
        String tooLongUser = "u".repeat(UserId.MAX_LENGTH + 1);
        JsonArray elevenUsers = new JsonArray();
        for (int i = 0; i < ModerationRelay.MAX_USERS + 1; i++) {
            elevenUsers.add("user" + i);
        }
        List<String> bodies = List.of(
                "", "{", "}", "not json", "\u0000\u0001\u0002", "{\"action\":\"REMOVE\"", "{} trailing",
                "null", "true", "42", "\"REMOVE\"", "[]", "[{\"action\":\"REMOVE\"}]",
                "[".repeat(5_000) + "]".repeat(5_000),
                "{\"a\":".repeat(2_000) + "1" + "}".repeat(2_000),
                "{}",
                valid().put("action", "remove").encode(),
                valid().put("action", "KICK").encode(),
                valid().put("action", 1).encode(),
                valid().put("action", null).encode(),
                without("action"),
                valid().put("sdkAppId", "1400000001").encode(),
                valid().put("sdkAppId", 1.5).encode(),
                valid().put("sdkAppId", 0).encode(),
                valid().put("sdkAppId", -1).encode(),
                valid().put("sdkAppId", Long.MAX_VALUE).encode(),
                "{\"action\":\"REMOVE\",\"sdkAppId\":" + "9".repeat(400) + ",\"roomKey\":\"r1\",\"userIds\":[\"alice\"]}",
                "{\"action\":\"REMOVE\",\"sdkAppId\":1e400,\"roomKey\":\"r1\",\"userIds\":[\"alice\"]}",
                valid().put("sdkAppId", new JsonObject()).encode(),
                without("sdkAppId"),
                valid().put("roomKey", 1).encode(),
                valid().put("roomKey", "").encode(),
                valid().put("roomKey", "1234").encode(),
                valid().put("roomKey", "r0").encode(),
                valid().put("roomKey", "r99999999999999999999").encode(),
                valid().put("roomKey", "s:").encode(),
                valid().put("roomKey", "s:a/b").encode(),
                valid().put("roomKey", "s:" + "x".repeat(10_000)).encode(),
                valid().put("roomKey", new JsonArray().add("r1")).encode(),
                without("roomKey"),
                valid().put("userIds", "alice").encode(),
                valid().put("userIds", new JsonObject()).encode(),
                valid().put("userIds", new JsonArray()).encode(),
                valid().put("userIds", new JsonArray().addNull()).encode(),
                valid().put("userIds", new JsonArray().add(7)).encode(),
                valid().put("userIds", new JsonArray().add(new JsonArray().add("alice"))).encode(),
                valid().put("userIds", new JsonArray().add("")).encode(),
                valid().put("userIds", new JsonArray().add("a/b")).encode(),
                valid().put("userIds", new JsonArray().add(tooLongUser)).encode(),
                valid().put("userIds", elevenUsers).encode(),
                without("userIds"),
                valid().put("action", "DISMISS").encode());
        String alice = enterMember();
        for (String body : bodies) {
            Answer answer = post(body.getBytes(StandardCharsets.UTF_8));
            assertThat(answer.status()).as("answer to %s", shorten(body)).isEqualTo(400);
            assertThat(answer.error()).as("answer to %s", shorten(body)).startsWith(ERROR_PREFIX)
                    .hasSizeGreaterThan(ERROR_PREFIX.length()).hasSizeLessThan(ERROR_PREFIX.length() + 210);
        }
        assertThat(rooms.find(room()).orElseThrow().member(new UserId(alice))).as("nobody was removed").isPresent();

        Answer removed = post(valid().put("userIds", new JsonArray().add(alice)).encode()
                .getBytes(StandardCharsets.UTF_8));
        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.body().getBoolean("found")).isTrue();
        assertThat(removed.body().getJsonArray("removed")).containsExactly(alice);
    }

    @Example
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() {
        JsonObject body = valid().put("padding", "x".repeat(20_000));
        Answer answer = post(body.encode().getBytes(StandardCharsets.UTF_8));
        assertThat(answer.status()).isEqualTo(413);
        assertThat(post(valid().encode().getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
    }

    @Property(tries = 200)
    void randomBytesAreRefused(@ForAll("bytes") byte[] body) {
        assertRefusedThenHealthy(body);
    }

    @Property(tries = 300)
    void aValidActionWithOneFieldReplacedByAnotherTypeIsRefused(@ForAll("fields") String field,
            @ForAll("wrongValues") Object value) {
        Assume.that(!(field.equals("sdkAppId") && value instanceof Long app && app >= 1 && app <= SdkAppId.MAX));
        JsonObject body = valid();
        body.put(field, value);
        assertRefusedThenHealthy(body.encode().getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(2_000);
        Arbitrary<byte[]> jsonish = Arbitraries.strings().withChars("{}[]\":,0123456789.-eEtrufalsn \\")
                .withChars("actionsdkAppIdroomKeyuserIds").ofMaxLength(300)
                .map(text -> text.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(raw, jsonish);
    }

    @Provide
    Arbitrary<String> fields() {
        return Arbitraries.of("action", "sdkAppId", "roomKey", "userIds");
    }

    @Provide
    Arbitrary<Object> wrongValues() {
        Arbitrary<Object> strings = Arbitraries.strings().ofMaxLength(50).filter(text -> !text.matches("r[0-9]{1,9}|s:.*|REMOVE|DISMISS"))
                .map(text -> (Object) text);
        Arbitrary<Object> numbers = Arbitraries.oneOf(Arbitraries.longs().map(n -> (Object) n),
                Arbitraries.doubles().map(n -> (Object) n));
        Arbitrary<Object> arrays = Arbitraries.integers().list().ofMaxSize(12).map(list -> (Object) new JsonArray(
                new ArrayList<>(list)));
        Arbitrary<Object> objects = Arbitraries.strings().alpha().ofMaxLength(8).map(key -> (Object) new JsonObject()
                .put(key, key));
        return Arbitraries.oneOf(strings, numbers, arrays, objects, Arbitraries.of(true, false));
    }

    private static void assertRefusedThenHealthy(byte[] body) {
        Answer answer = post(body);
        assertThat(answer.status()).as("answer to %s", shorten(new String(body, StandardCharsets.UTF_8)))
                .isEqualTo(400);
        assertThat(answer.error()).startsWith(ERROR_PREFIX);
        Answer valid = post(valid().encode().getBytes(StandardCharsets.UTF_8));
        assertThat(valid.status()).isEqualTo(200);
    }

    /** A REMOVE in room r77, which exists after {@link #enterMember}. */
    private static JsonObject valid() {
        return new JsonObject().put("action", "REMOVE").put("sdkAppId", APP.value()).put("roomKey", "r77")
                .put("userIds", new JsonArray().add("nobody"));
    }

    private static String without(String field) {
        JsonObject body = valid();
        body.remove(field);
        return body.encode();
    }

    private static RoomKey room() {
        return new RoomKey(APP, "r77");
    }

    private static String enterMember() {
        return enterMember(new ArrayList<>());
    }

    /** Enters a member of room r77; the reasons it is removed for go to {@code removals}. */
    private static String enterMember(List<LeaveReason> removals) {
        String userId = "member" + (members++);
        rooms.enter(new EnterRequest(room(), Scene.RTC, new UserId(userId), Role.ANCHOR, Privileges.all(),
                new MemberListener() {
                    @Override
                    public void onRoomEvent(RoomEvent event) {
                    }

                    @Override
                    public void onMemberRemoved(Member member, LeaveReason reason) {
                        removals.add(reason);
                    }

                    @Override
                    public void onListenerReplaced(Member member) {
                    }
                }));
        return userId;
    }

    private record Answer(int status, JsonObject body) {
        String error() {
            return body.getString("error", "");
        }
    }

    private static Answer post(byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + ModerationRelay.PATH)).timeout(java.time.Duration.ofSeconds(10))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        OTHER_NODE.sign("POST", ModerationRelay.PATH, body).forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String content = response.body();
            return new Answer(response.statusCode(), content.startsWith("{") ? new JsonObject(content)
                    : new JsonObject());
        } catch (IOException e) {
            throw new AssertionError("the node did not answer " + shorten(new String(body, StandardCharsets.UTF_8)),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "… (" + text.length() + " chars)";
    }
}
