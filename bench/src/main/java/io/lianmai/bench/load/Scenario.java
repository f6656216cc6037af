package io.lianmai.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Who joins a run: the publishers (one WHIP session each, stream {@code {userID}_main}) and the subscriptions (one
 * WHEP session per stream played), room by room. Room numbers start at a random base so runs against one long-lived
 * server do not meet earlier runs' rooms.
 *
 * @param name the scenario's name
 * @param shape one line: rooms × what each room holds
 */
record Scenario(String name, String shape, List<Publisher> publishers, List<Subscription> subscriptions) {

    /** A WHIP publisher. */
    record Publisher(long roomId, String userId) {
        String streamId() {
            return userId + "_main";
        }
    }

    /** A WHEP player of {@code streamId}, as {@code userId}. */
    record Subscription(long roomId, String userId, String streamId) {
    }

    /** 1:1 calls: two people who each publish and play the other. */
    static Scenario call(int rooms) {
        Scenario meeting = meeting(rooms, 2);
        return new Scenario("call", rooms + " room(s) × 1:1 call (2 publishers, each plays the other)",
                meeting.publishers, meeting.subscriptions);
    }

    /** Meetings of {@code size}: everyone publishes and plays everyone else. */
    static Scenario meeting(int rooms, int size) {
        check(rooms, size >= 2, "--size must be at least 2");
        List<Publisher> publishers = new ArrayList<>();
        List<Subscription> subscriptions = new ArrayList<>();
        long base = baseRoom();
        for (int r = 0; r < rooms; r++) {
            for (int i = 0; i < size; i++) {
                publishers.add(new Publisher(base + r, "u" + r + "-" + i));
            }
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    if (i != j) {
                        subscriptions.add(new Subscription(base + r, "u" + r + "-" + i, "u" + r + "-" + j + "_main"));
                    }
                }
            }
        }
        return new Scenario("meeting", rooms + " room(s) × meeting of " + size + " (each publishes, plays the other "
                + (size - 1) + ")", publishers, subscriptions);
    }

    /** One publisher to {@code subscribers} players per room. */
    static Scenario fanout(int rooms, int subscribers) {
        check(rooms, subscribers >= 1, "--subscribers must be at least 1");
        List<Publisher> publishers = new ArrayList<>();
        List<Subscription> subscriptions = new ArrayList<>();
        long base = baseRoom();
        for (int r = 0; r < rooms; r++) {
            Publisher publisher = new Publisher(base + r, "pub" + r);
            publishers.add(publisher);
            for (int i = 0; i < subscribers; i++) {
                subscriptions.add(new Subscription(base + r, "sub" + r + "-" + i, publisher.streamId()));
            }
        }
        return new Scenario("fanout", rooms + " room(s) × 1 publisher → " + subscribers + " subscribers",
                publishers, subscriptions);
    }

    /** Live rooms: {@code anchors} co-hosts who play each other, and {@code audience} players of every anchor. */
    static Scenario live(int rooms, int anchors, int audience) {
        check(rooms, anchors >= 1 && audience >= 0, "--anchors must be at least 1, --audience at least 0");
        List<Publisher> publishers = new ArrayList<>();
        List<Subscription> subscriptions = new ArrayList<>();
        long base = baseRoom();
        for (int r = 0; r < rooms; r++) {
            for (int a = 0; a < anchors; a++) {
                publishers.add(new Publisher(base + r, "anchor" + r + "-" + a));
            }
            for (int a = 0; a < anchors; a++) {
                for (int b = 0; b < anchors; b++) {
                    if (a != b) {
                        subscriptions.add(new Subscription(base + r, "anchor" + r + "-" + a,
                                "anchor" + r + "-" + b + "_main"));
                    }
                }
            }
            for (int i = 0; i < audience; i++) {
                for (int a = 0; a < anchors; a++) {
                    subscriptions.add(new Subscription(base + r, "viewer" + r + "-" + i,
                            "anchor" + r + "-" + a + "_main"));
                }
            }
        }
        return new Scenario("live", rooms + " room(s) × " + anchors + " anchors (co-hosting) → " + audience
                + " audience, each playing every anchor", publishers, subscriptions);
    }

    private static void check(int rooms, boolean ok, String message) {
        if (rooms < 1) {
            throw new IllegalArgumentException("--rooms must be at least 1");
        }
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static long baseRoom() {
        return ThreadLocalRandom.current().nextLong(100_000, 900_000_000);
    }
}
