package io.lianmai.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.common.SdkAppId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AppStore} database must do; subclasses supply a fresh, empty database per test.
 */
abstract class AppStoreContract implements RoomHistoryContract, CloudRecordingContract {

    /** A clock with sub-millisecond digits, to show that createdAt is truncated before it is stored. */
    static final Instant NOW = Instant.parse("2025-03-04T05:06:07.123456789Z");

    private static final long DEADLINE_SECONDS = 60;

    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    StoreConfig config;
    private final List<AppStore> opened = new ArrayList<>();

    /** A configuration naming a database no other test uses, with no tables in it. */
    abstract StoreConfig freshDatabase() throws Exception;

    /** Removes what {@link #freshDatabase()} made, after every store on it is closed. */
    abstract void dropDatabase() throws Exception;

    @BeforeEach
    void setUpDatabase() throws Exception {
        config = freshDatabase();
    }

    @AfterEach
    void tearDownDatabase() throws Exception {
        opened.forEach(AppStore::close);
        opened.clear();
        dropDatabase();
    }

    AppStore open() {
        AppStore store = JdbcAppStore.open(config, clock);
        opened.add(store);
        return store;
    }

    @Override
    public JdbcAppStore openForHistory() {
        return (JdbcAppStore) open();
    }

    Connection rawConnection() throws SQLException {
        return DriverManager.getConnection(config.resolvedJdbcUrl(),
                config.username().orElse(""), config.password().orElse(""));
    }

    @Test
    void firstAppGetsTheFirstSdkAppIdAndEveryField() {
        AppStore store = open();

        App app = store.create("  demo  ");

        assertThat(app.sdkAppId().value()).isEqualTo(1_400_000_000L);
        assertThat(app.name()).isEqualTo("demo");
        assertThat(app.createdAt()).isEqualTo(NOW.truncatedTo(ChronoUnit.MILLIS));
        assertThat(app.enabled()).isTrue();
        assertThat(app.webhookUrl()).isEmpty();
        assertThat(app.callbackKey()).isEmpty();
        assertThat(store.find(app.sdkAppId())).contains(app);
    }

    @Test
    void idsCountUpAndListIsOrderedById() {
        AppStore store = open();

        List<App> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(store.create("app " + i));
        }

        assertThat(created).extracting(app -> app.sdkAppId().value())
                .containsExactly(1_400_000_000L, 1_400_000_001L, 1_400_000_002L, 1_400_000_003L, 1_400_000_004L);
        assertThat(store.list()).containsExactlyElementsOf(created);
        assertThat(store.count()).isEqualTo(5);
    }

    @Test
    void emptyStoreHasNothing() {
        AppStore store = open();

        assertThat(store.list()).isEmpty();
        assertThat(store.count()).isZero();
        assertThat(store.find(new SdkAppId(1_400_000_000L))).isEmpty();
    }

    @Test
    void unknownIdIsEmptyOrNotFound() {
        AppStore store = open();
        store.create("only");

        assertThat(store.find(new SdkAppId(1_400_000_001L))).isEmpty();
        assertThat(store.find(new SdkAppId(1))).isEmpty();
        assertThatThrownBy(() -> store.setEnabled(new SdkAppId(1_400_000_001L), false))
                .isInstanceOf(AppNotFoundException.class)
                .hasMessageContaining("1400000001")
                .satisfies(e -> assertThat(((AppNotFoundException) e).sdkAppId())
                        .isEqualTo(new SdkAppId(1_400_000_001L)));
        assertThatThrownBy(() -> store.setWebhook(new SdkAppId(1_400_000_001L),
                Optional.of("https://hooks.example/x"), Optional.empty()))
                .isInstanceOf(AppNotFoundException.class)
                .hasMessageContaining("1400000001");
    }

    @Test
    void secretKeysAre64LowercaseHexAndDiffer() {
        AppStore store = open();

        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            keys.add(store.create("app " + i).secretKey());
        }

        assertThat(keys).hasSize(20).allSatisfy(key -> assertThat(key).matches("[0-9a-f]{64}"));
        assertThat(store.list()).extracting(App::secretKey).containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void setEnabledTurnsAnAppOffAndOnAgain() {
        AppStore store = open();
        App app = store.create("demo");
        App other = store.create("other");

        App disabled = store.setEnabled(app.sdkAppId(), false);

        assertThat(disabled).isEqualTo(new App(app.sdkAppId(), "demo", app.secretKey(), app.createdAt(), false,
                Optional.empty(), Optional.empty(), app.playKey(), false, false, Optional.empty()));
        assertThat(store.find(app.sdkAppId())).contains(disabled);
        assertThat(store.find(other.sdkAppId())).contains(other);
        assertThat(store.setEnabled(app.sdkAppId(), true)).isEqualTo(app);
        assertThat(store.setEnabled(app.sdkAppId(), true)).isEqualTo(app);
    }

    @Test
    void setWebhookSetsAndClearsUrlAndKey() {
        AppStore store = open();
        App app = store.create("demo");

        App hooked = store.setWebhook(app.sdkAppId(), Optional.of("https://hooks.example/trtc?x=1"),
                Optional.of("callback-key"));

        assertThat(hooked.webhookUrl()).contains("https://hooks.example/trtc?x=1");
        assertThat(hooked.callbackKey()).contains("callback-key");
        assertThat(store.find(app.sdkAppId())).contains(hooked);

        App cleared = store.setWebhook(app.sdkAppId(), Optional.empty(), Optional.empty());

        assertThat(cleared).isEqualTo(app);
        assertThat(store.find(app.sdkAppId())).contains(app);
    }

    @Test
    void setWebhookRejectsBadValuesWithoutTouchingTheApp() {
        AppStore store = open();
        App app = store.create("demo");

        assertThatThrownBy(() -> store.setWebhook(app.sdkAppId(), Optional.of("ftp://hooks.example/x"),
                Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http or https");
        assertThatThrownBy(() -> store.setWebhook(app.sdkAppId(), Optional.of("/relative"), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
        assertThatThrownBy(() -> store.setWebhook(app.sdkAppId(), Optional.of("https://x.example/a b"),
                Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid URL");
        assertThatThrownBy(() -> store.setWebhook(app.sdkAppId(),
                Optional.of("https://x.example/" + "a".repeat(2048)), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2048");
        assertThatThrownBy(() -> store.setWebhook(app.sdkAppId(), Optional.empty(), Optional.of("  ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> store.setWebhook(app.sdkAppId(), Optional.empty(), Optional.of("k".repeat(257))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
        assertThat(store.find(app.sdkAppId())).contains(app);
    }

    @Test
    void namesAreTrimmedAndChecked() {
        AppStore store = open();

        assertThat(store.create(" \t" + "n".repeat(128) + " \n").name()).isEqualTo("n".repeat(128));
        assertThat(store.create("直播 demo").name()).isEqualTo("直播 demo");
        assertThatThrownBy(() -> store.create(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> store.create(" \t "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> store.create("n".repeat(129)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("128").hasMessageContaining("129");
        assertThatThrownBy(() -> store.create("two\nlines"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control");
        assertThat(store.count()).isEqualTo(2);
    }

    @Test
    void reopeningKeepsEveryApp() {
        AppStore first = open();
        first.create("one");
        App two = first.create("two");
        first.setEnabled(two.sdkAppId(), false);
        first.setWebhook(two.sdkAppId(), Optional.of("http://127.0.0.1:9/hook"), Optional.of("key"));
        List<App> before = first.list();
        first.close();

        AppStore second = open();

        assertThat(second.list()).isEqualTo(before);
        assertThat(second.create("three").sdkAppId().value()).isEqualTo(1_400_000_002L);
        second.close();

        AppStore third = open();
        assertThat(third.count()).isEqualTo(3);
    }

    @Test
    void nextIdIsOneAboveTheLargest() throws SQLException {
        AppStore store = open();
        store.create("first");
        insertRaw(1_400_000_500L);

        assertThat(store.create("after the gap").sdkAppId().value()).isEqualTo(1_400_000_501L);
    }

    @Test
    void idsBelowTheFirstDoNotPullAllocationDown() throws SQLException {
        AppStore store = open();
        insertRaw(1_234L);

        assertThat(store.create("new").sdkAppId().value()).isEqualTo(1_400_000_000L);
        assertThat(store.find(new SdkAppId(1_234L))).isPresent();
    }

    @Test
    void noIdAboveTheUnsigned32BitMaximum() throws SQLException {
        AppStore store = open();
        insertRaw(4_294_967_294L);

        assertThat(store.create("last").sdkAppId().value()).isEqualTo(4_294_967_295L);
        assertThatThrownBy(() -> store.create("one too many"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("4294967295")
                .hasMessageContaining(config.displayJdbcUrl());
        assertThat(store.count()).isEqualTo(2);
    }

    @Test
    void concurrentCreatesInOneStoreGetDistinctIds() throws Exception {
        AppStore store = open();

        List<Long> ids = createConcurrently(List.of(store, store, store, store, store, store, store, store), 10);

        assertDistinctAndContiguous(ids, 80);
        assertThat(store.count()).isEqualTo(80);
    }

    @Test
    void concurrentCreatesInTwoStoresOnOneDatabaseGetDistinctIds() throws Exception {
        AppStore first = open();
        AppStore second = open();

        List<Long> ids = createConcurrently(List.of(first, second, first, second), 15);

        assertDistinctAndContiguous(ids, 60);
        assertThat(first.list()).isEqualTo(second.list());
    }

    @Test
    void storesStartingAtOnceOnAnEmptyDatabaseCreateOneFirstApp() throws Exception {
        List<AppStore> stores = List.of(open(), open(), open(), open());
        ExecutorService executor = Executors.newFixedThreadPool(stores.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Optional<App>>> results = new ArrayList<>();
            for (AppStore store : stores) {
                results.add(executor.submit(() -> {
                    start.await();
                    return store.createIfNone("Default app");
                }));
            }
            start.countDown();
            List<App> created = new ArrayList<>();
            for (Future<Optional<App>> result : results) {
                result.get(DEADLINE_SECONDS, TimeUnit.SECONDS).ifPresent(created::add);
            }
            assertThat(created).hasSize(1);
            assertThat(stores.get(0).list()).containsExactly(created.get(0));
        } finally {
            executor.shutdownNow();
        }
        assertThat(stores.get(1).createIfNone("another")).isEmpty();
    }

    @Test
    void aNewAppHasItsOwnPlayKeySignedPlaybackAndOptionalPrivateMapKeys() {
        AppStore store = open();

        App first = store.create("first");
        App second = store.create("second");

        assertThat(first.playKey()).matches("[0-9a-f]{32}").isNotEqualTo(second.playKey());
        assertThat(first.publicPlayback()).isFalse();
        assertThat(first.requirePrivateMapKey()).isFalse();
        assertThat(first.previousKey()).isEmpty();
        assertThat(store.find(first.sdkAppId())).contains(first);
    }

    @Test
    void policiesAreSetPerAppAndKept() {
        AppStore store = open();
        App app = store.create("demo");
        App other = store.create("other");

        App open = store.setPublicPlayback(app.sdkAppId(), true);
        App strict = store.setRequirePrivateMapKey(app.sdkAppId(), true);

        assertThat(open.publicPlayback()).isTrue();
        assertThat(strict.publicPlayback()).isTrue();
        assertThat(strict.requirePrivateMapKey()).isTrue();
        assertThat(store.find(app.sdkAppId())).contains(strict);
        assertThat(store.find(other.sdkAppId())).contains(other);
        assertThat(store.setPublicPlayback(app.sdkAppId(), false).publicPlayback()).isFalse();
        assertThat(store.setRequirePrivateMapKey(app.sdkAppId(), false).requirePrivateMapKey()).isFalse();
        assertThatThrownBy(() -> store.setPublicPlayback(new SdkAppId(1), true))
                .isInstanceOf(AppNotFoundException.class);
        assertThatThrownBy(() -> store.setRequirePrivateMapKey(new SdkAppId(1), true))
                .isInstanceOf(AppNotFoundException.class);
    }

    @Test
    void rotatingTheSecretKeyKeepsTheOldOneForTheGracePeriodOnly() {
        AppStore store = open();
        App app = store.create("demo");

        App rotated = store.rotateSecretKey(app.sdkAppId(), Duration.ofMinutes(10));

        assertThat(rotated.secretKey()).matches("[0-9a-f]{64}").isNotEqualTo(app.secretKey());
        assertThat(rotated.previousKey()).hasValueSatisfying(previous -> {
            assertThat(previous.secretKey()).isEqualTo(app.secretKey());
            assertThat(previous.validUntil()).isEqualTo(NOW.plus(Duration.ofMinutes(10)).truncatedTo(
                    ChronoUnit.MILLIS));
        });
        assertThat(rotated.secretKeysAt(NOW)).containsExactly(rotated.secretKey(), app.secretKey());
        assertThat(rotated.secretKeysAt(NOW.plus(Duration.ofMinutes(11)))).containsExactly(rotated.secretKey());
        assertThat(store.find(app.sdkAppId())).contains(rotated);

        App again = store.rotateSecretKey(app.sdkAppId(), Duration.ZERO);
        assertThat(again.previousKey().orElseThrow().secretKey()).isEqualTo(rotated.secretKey());
        assertThat(again.secretKeysAt(NOW)).containsExactly(again.secretKey());
        assertThatThrownBy(() -> store.rotateSecretKey(app.sdkAppId(), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.rotateSecretKey(new SdkAppId(1), Duration.ZERO))
                .isInstanceOf(AppNotFoundException.class);
    }

    @Test
    void rotatingThePlayKeyChangesOnlyThePlayKey() {
        AppStore store = open();
        App app = store.create("demo");

        App rotated = store.rotatePlayKey(app.sdkAppId());

        assertThat(rotated.playKey()).matches("[0-9a-f]{32}").isNotEqualTo(app.playKey());
        assertThat(rotated.secretKey()).isEqualTo(app.secretKey());
        assertThat(store.find(app.sdkAppId())).contains(rotated);
    }

    @Test
    void appsFromTheFirstSchemaGetAPlayKeyWhenTheStoreOpens() throws Exception {
        // Schema version 1 only: Flyway stops there, and an app is inserted as version 1 wrote them.
        org.flywaydb.core.Flyway.configure(JdbcAppStore.class.getClassLoader())
                .dataSource(config.resolvedJdbcUrl(), config.username().orElse(null), config.password().orElse(null))
                .locations("classpath:db/migration").target("1").load().migrate();
        try (Connection connection = rawConnection(); Statement insert = connection.createStatement()) {
            insert.executeUpdate("INSERT INTO apps (sdk_app_id, name, secret_key, created_at, enabled) VALUES "
                    + "(1400000000, 'old', '" + "ab".repeat(32) + "', CURRENT_TIMESTAMP, TRUE)");
        }

        App old = open().find(new SdkAppId(1_400_000_000L)).orElseThrow();

        assertThat(old.playKey()).matches("[0-9a-f]{32}");
        assertThat(old.secretKey()).isEqualTo("ab".repeat(32));
        assertThat(old.publicPlayback()).isFalse();
        assertThat(old.requirePrivateMapKey()).isFalse();
    }

    @Test
    void toStringNamesTheDatabaseByItsDisplayUrl() {
        AppStore store = open();

        // The display URL is the masked one (StoreConfigTest); the store shows nothing else of the configuration.
        assertThat(store.toString()).matches("JdbcAppStore\\[(H2|PostgreSQL) \\(.*\\)]")
                .endsWith("(" + config.displayJdbcUrl() + ")]");
    }

    /** Each store runs on its own thread, all released at once, each creating {@code perThread} apps. */
    static List<Long> createConcurrently(List<AppStore> stores, int perThread) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(stores.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < stores.size(); t++) {
                AppStore store = stores.get(t);
                String prefix = "thread " + t + " app ";
                Callable<List<Long>> task = () -> {
                    start.await();
                    List<Long> ids = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        ids.add(store.create(prefix + i).sdkAppId().value());
                    }
                    return ids;
                };
                results.add(executor.submit(task));
            }
            start.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                all.addAll(result.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    static void assertDistinctAndContiguous(List<Long> ids, int expected) {
        assertThat(ids).hasSize(expected).doesNotHaveDuplicates();
        assertThat(ids).containsExactlyInAnyOrderElementsOf(
                LongStream.range(1_400_000_000L, 1_400_000_000L + expected).boxed().toList());
    }

    // ---- the callback outbox (issue 15, migration V4) ----

    private static final SdkAppId OUTBOX_APP = new SdkAppId(1_400_000_000L);

    private static CallbackOutbox.NewEvent outboxEvent(String id, String room, int type, long ms) {
        return new CallbackOutbox.NewEvent(id, OUTBOX_APP, room, type / 100, type, ms, "{\"RoomId\":1}",
                CallbackOutbox.PresenceChange.NONE, null, null);
    }

    @Test
    void theOutboxOffersOnlyEachRoomsOldestPendingEventInOrder() {
        CallbackOutbox outbox = ((JdbcAppStore) open()).callbackOutbox();
        outbox.append(List.of(outboxEvent("a1", "r1", 101, 1000), outboxEvent("b1", "r2", 101, 1001),
                outboxEvent("a2", "r1", 103, 1002), outboxEvent("a3", "r1", 104, 1003)));

        List<CallbackOutbox.Entry> due = outbox.due(5000, 10);
        assertThat(due).extracting(CallbackOutbox.Entry::eventId).containsExactly("a1", "b1");
        assertThat(due.get(0).state()).isEqualTo(CallbackOutbox.State.PENDING);
        assertThat(due.get(0).eventInfo()).isEqualTo("{\"RoomId\":1}");

        // A retry later holds its room back (order within a room), not the other room.
        assertThat(outbox.claim(due.get(0).seq(), 5000, 65_000)).isTrue();
        assertThat(outbox.claim(due.get(1).seq(), 5000, 65_000)).isTrue();
        assertThat(outbox.markRetry(due.get(0).seq(), java.util.OptionalInt.of(500), "HTTP 500", 9000)).isTrue();
        assertThat(outbox.due(5000, 10)).extracting(CallbackOutbox.Entry::eventId).containsExactly("b1");
        assertThat(outbox.markDelivered(due.get(1).seq(), 200, 5001)).isTrue();
        assertThat(outbox.due(9000, 10)).extracting(CallbackOutbox.Entry::eventId).containsExactly("a1");
        assertThat(outbox.claim(due.get(0).seq(), 9000, 69_000)).isTrue();
        assertThat(outbox.markFailed(due.get(0).seq(), true, java.util.OptionalInt.empty(), "gave up", 9001)).isTrue();
        assertThat(outbox.due(9001, 10)).extracting(CallbackOutbox.Entry::eventId).containsExactly("a2");

        List<CallbackOutbox.Entry> all = outbox.list(OUTBOX_APP, false, Long.MAX_VALUE, 10);
        assertThat(all).extracting(CallbackOutbox.Entry::eventId).containsExactly("a3", "a2", "b1", "a1");
        CallbackOutbox.Entry failed = all.get(3);
        assertThat(failed.state()).isEqualTo(CallbackOutbox.State.FAILED);
        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(failed.lastError()).contains("gave up");
        assertThat(failed.finishedMs()).hasValue(9001);
        assertThat(outbox.list(OUTBOX_APP, true, Long.MAX_VALUE, 10)).extracting(CallbackOutbox.Entry::eventId)
                .containsExactly("a3", "a2", "a1");
        assertThat(outbox.pendingCount()).isEqualTo(2);

        assertThat(outbox.purgeFinishedBefore(9001)).isEqualTo(1);
        assertThat(outbox.list(OUTBOX_APP, false, Long.MAX_VALUE, 10)).extracting(CallbackOutbox.Entry::eventId)
                .containsExactly("a3", "a2", "a1");
    }

    @Test
    void theOutboxRefusesADuplicateEventIdAndKeepsNoneOfTheBatch() {
        CallbackOutbox outbox = ((JdbcAppStore) open()).callbackOutbox();
        outbox.append(List.of(outboxEvent("x", "r1", 101, 1)));

        assertThatThrownBy(() -> outbox.append(List.of(outboxEvent("y", "r1", 103, 2), outboxEvent("x", "r1", 104, 3))))
                .isInstanceOf(StoreException.class);
        assertThat(outbox.list(OUTBOX_APP, false, Long.MAX_VALUE, 10)).extracting(CallbackOutbox.Entry::eventId)
                .containsExactly("x");
    }

    @Test
    void theOutboxSurvivesReopening() {
        CallbackOutbox outbox = ((JdbcAppStore) open()).callbackOutbox();
        outbox.append(List.of(outboxEvent("kept", "s:room", 201, 7)));
        opened.forEach(AppStore::close);

        CallbackOutbox reopened = ((JdbcAppStore) open()).callbackOutbox();
        assertThat(reopened.due(7, 10)).extracting(CallbackOutbox.Entry::eventId, CallbackOutbox.Entry::roomKey)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("kept", "s:room"));
    }

    @Test
    void theOutboxKeepsWhoIsWhereWithTheEvents() {
        CallbackOutbox outbox = ((JdbcAppStore) open()).callbackOutbox();
        outbox.append(List.of(
                presenceEvent("p1", "r1", CallbackOutbox.PresenceChange.ROOM_CREATED, "alice", null),
                presenceEvent("p2", "r1", CallbackOutbox.PresenceChange.MEMBER_ENTERED, "alice", "anchor"),
                presenceEvent("p3", "r1", CallbackOutbox.PresenceChange.MEMBER_ENTERED, "bob", "audience"),
                presenceEvent("p4", "r1", CallbackOutbox.PresenceChange.MEMBER_ROLE, "bob", "anchor"),
                presenceEvent("p5", "r1", CallbackOutbox.PresenceChange.MEMBER_LEFT, "alice", null),
                presenceEvent("p6", "r2", CallbackOutbox.PresenceChange.ROOM_CREATED, "carol", null),
                presenceEvent("p7", "r2", CallbackOutbox.PresenceChange.MEMBER_ENTERED, "carol", "anchor")));
        outbox.append(List.of(presenceEvent("p8", "r2", CallbackOutbox.PresenceChange.ROOM_DISMISSED, null, null)));

        assertThat(outbox.presence()).containsExactly(
                new CallbackOutbox.Presence(OUTBOX_APP, "r1", "bob", "anchor", ""),
                new CallbackOutbox.Presence(OUTBOX_APP, "r1", "", null, ""));
    }

    // ---- several nodes on one outbox (issue 18, migration V7) ----

    @Test
    void oneNodeAtATimeHoldsAnEventUntilItsLeaseRunsOut() {
        CallbackOutbox outbox = ((JdbcAppStore) open()).callbackOutbox();
        CallbackOutbox a = outbox.forNode("node-a");
        CallbackOutbox b = outbox.forNode("node-b");
        a.append(List.of(outboxEvent("e1", "r1", 101, 1000), outboxEvent("e2", "r1", 103, 1001)));
        long seq = a.due(1000, 10).get(0).seq();

        assertThat(a.claim(seq, 1000, 31_000)).isTrue();
        // Node b neither sees nor takes it while a's lease runs; a's own claim renews.
        assertThat(b.due(2000, 10)).isEmpty();
        assertThat(b.claim(seq, 2000, 32_000)).isFalse();
        assertThat(a.claim(seq, 2000, 32_000)).isTrue();
        assertThat(a.due(2000, 10)).extracting(CallbackOutbox.Entry::eventId).containsExactly("e1");

        // a stopped answering: once its lease is over, b takes the event, and a's late outcome counts for nothing.
        assertThat(b.due(32_001, 10)).extracting(CallbackOutbox.Entry::eventId).containsExactly("e1");
        assertThat(b.claim(seq, 32_001, 62_001)).isTrue();
        assertThat(a.markDelivered(seq, 200, 32_002)).isFalse();
        assertThat(a.markRetry(seq, java.util.OptionalInt.of(500), "late", 40_000)).isFalse();
        assertThat(a.due(32_002, 10)).isEmpty();
        assertThat(b.markDelivered(seq, 200, 32_003)).isTrue();
        assertThat(outbox.list(OUTBOX_APP, false, Long.MAX_VALUE, 10).get(1).attempts()).isEqualTo(1);

        // The room's next event is free for any node; a released claim is free at once.
        long next = a.due(32_004, 10).get(0).seq();
        assertThat(a.claim(next, 32_004, 62_004)).isTrue();
        assertThat(b.releaseClaims(false)).isZero();
        assertThat(a.releaseClaims(false)).isEqualTo(1);
        assertThat(b.claim(next, 32_005, 62_005)).isTrue();
        assertThat(outbox.releaseClaims(true)).isEqualTo(1);
        assertThat(a.claim(next, 32_006, 62_006)).isTrue();
    }

    @Test
    void eachNodeKeepsItsOwnPresence() {
        CallbackOutbox outbox = ((JdbcAppStore) open()).callbackOutbox();
        CallbackOutbox a = outbox.forNode("node-a");
        CallbackOutbox b = outbox.forNode("node-b");
        a.append(List.of(presenceEvent("a1", "r1", CallbackOutbox.PresenceChange.ROOM_CREATED, "alice", null),
                presenceEvent("a2", "r1", CallbackOutbox.PresenceChange.MEMBER_ENTERED, "alice", "anchor")));
        b.append(List.of(presenceEvent("b1", "r1", CallbackOutbox.PresenceChange.ROOM_CREATED, "bob", null),
                presenceEvent("b2", "r1", CallbackOutbox.PresenceChange.MEMBER_ENTERED, "bob", "anchor"),
                presenceEvent("b3", "r1", CallbackOutbox.PresenceChange.MEMBER_ENTERED, "alice", "audience")));
        // b's dismissal and alice's exit on b touch b's rows only.
        b.append(List.of(presenceEvent("b4", "r1", CallbackOutbox.PresenceChange.MEMBER_LEFT, "alice", null),
                presenceEvent("b5", "r1", CallbackOutbox.PresenceChange.ROOM_DISMISSED, null, null)));

        assertThat(outbox.presence()).containsExactly(
                new CallbackOutbox.Presence(OUTBOX_APP, "r1", "alice", "anchor", "node-a"),
                new CallbackOutbox.Presence(OUTBOX_APP, "r1", "", null, "node-a"));
    }

    private static CallbackOutbox.NewEvent presenceEvent(String id, String room, CallbackOutbox.PresenceChange change,
            String userId, String role) {
        return new CallbackOutbox.NewEvent(id, OUTBOX_APP, room, 1, 103, 1, "{}", change, userId, role);
    }

    private void insertRaw(long sdkAppId) throws SQLException {
        try (Connection connection = rawConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO apps (sdk_app_id, name, "
                     + "secret_key, created_at, enabled) VALUES (?, 'raw', ?, ?, TRUE)")) {
            insert.setLong(1, sdkAppId);
            insert.setString(2, "0".repeat(64));
            insert.setObject(3, OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC));
            insert.executeUpdate();
        }
    }

    /** API credentials (migration V3) in the same database. */
    @org.junit.jupiter.api.Nested
    class ApiCredentials {
        private static final String SCOPED_ID = "AKID" + "a".repeat(32);
        private static final String GLOBAL_ID = "AKID" + "b".repeat(32);

        @Test
        void keepsScopeAndSealedKeyAndDeletes() {
            ApiCredentialStore credentials = ApiCredentialStore.over((JdbcAppStore) open());
            ApiCredentialRecord scoped = credentials.insert(new ApiCredentialRecord(SCOPED_ID, "sealed-1", NOW, false,
                    Set.of(new SdkAppId(1_400_000_000L), new SdkAppId(4_294_967_295L))));
            ApiCredentialRecord global = credentials.insert(new ApiCredentialRecord(GLOBAL_ID, "sealed-2",
                    NOW.plusSeconds(1), true, Set.of()));

            assertThat(scoped.createdAt()).isEqualTo(NOW.truncatedTo(ChronoUnit.MILLIS));
            assertThat(credentials.find(SCOPED_ID)).contains(scoped);
            assertThat(credentials.find(SCOPED_ID).orElseThrow().allows(new SdkAppId(4_294_967_295L))).isTrue();
            assertThat(credentials.find(SCOPED_ID).orElseThrow().allows(new SdkAppId(1_400_000_001L))).isFalse();
            assertThat(credentials.find(GLOBAL_ID).orElseThrow().allows(new SdkAppId(1_400_000_001L))).isTrue();
            assertThat(credentials.list()).containsExactly(scoped, global);
            assertThat(credentials.find("AKID" + "c".repeat(32))).isEmpty();

            assertThat(credentials.delete(SCOPED_ID)).isTrue();
            assertThat(credentials.delete(SCOPED_ID)).isFalse();
            assertThat(credentials.list()).containsExactly(global);
        }

        @Test
        void refusesASecondCredentialWithTheSameId() {
            ApiCredentialStore credentials = ApiCredentialStore.over((JdbcAppStore) open());
            credentials.insert(new ApiCredentialRecord(SCOPED_ID, "sealed-1", NOW, false,
                    Set.of(new SdkAppId(1_400_000_000L))));

            assertThatThrownBy(() -> credentials.insert(new ApiCredentialRecord(SCOPED_ID, "sealed-2", NOW, true,
                    Set.of()))).isInstanceOf(StoreException.class).hasMessageContaining(SCOPED_ID);
            assertThat(credentials.find(SCOPED_ID).orElseThrow().sealedSecretKey()).isEqualTo("sealed-1");
        }
    }
}
