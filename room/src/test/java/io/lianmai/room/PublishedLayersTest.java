package io.lianmai.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.StreamType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which simulcast layers a publication should send is told to the member that publishes it, and to no one else:
 * not to other members, not about a session that is no longer its publication; and again when it resumes.
 */
class PublishedLayersTest extends RoomRegistryFixture {
    @Test
    void onlyThePublisherOfThatSessionIsTold() {
        RecordingListener alice = new RecordingListener();
        Member aliceMember = enter("alice", alice).member();
        RecordingListener bob = new RecordingListener();
        enter("bob", bob);
        Room room = aliceMember.room();
        room.publish(aliceMember, StreamType.MAIN, "alice-main", true, true);

        assertThat(room.tellPublishedLayers("alice-main", stream("alice_main"), "1", List.of("l"))).isTrue();
        assertThat(alice.layers).containsExactly("main/1=[l]");
        assertThat(bob.layers).isEmpty();

        // Another session of the same stream (a replaced publisher's, a WHIP publisher's), or another stream.
        assertThat(room.tellPublishedLayers("old-session", stream("alice_main"), "1", List.of("h"))).isFalse();
        assertThat(room.tellPublishedLayers("alice-main", stream("alice_aux"), "1", List.of("h"))).isFalse();
        assertThat(room.tellPublishedLayers("alice-main", stream("carol_main"), "1", List.of("h"))).isFalse();
        assertThat(alice.layers).containsExactly("main/1=[l]");
    }

    @Test
    void aResumedPublisherIsToldTheLastLayersOfItsCurrentPublicationsAgain() {
        RecordingListener oldBob = new RecordingListener();
        Member bob = enter("bob", oldBob).member();
        Room room = bob.room();
        room.publish(bob, StreamType.MAIN, "bob-1", true, true);
        room.tellPublishedLayers("bob-1", stream("bob_main"), "1", List.of("l"));
        room.publish(bob, StreamType.MAIN, "bob-2", true, true); // republished: bob-1's word is stale
        room.tellPublishedLayers("bob-2", stream("bob_main"), "1", List.of("l"));
        room.tellPublishedLayers("bob-2", stream("bob_main"), "1", List.of("l", "h"));
        room.disconnect(bob, oldBob);

        RecordingListener newBob = new RecordingListener();
        registry.resume(bob.sessionToken(), newBob);

        assertThat(newBob.layers).containsExactly("main/1=[l, h]");
    }
}
