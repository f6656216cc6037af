package io.lianmai.server.metrics;

import io.lianmai.room.RoomRegistry;
import io.lianmai.server.HttpFrontDoor;
import io.lianmai.server.live.LiveBridges;
import io.lianmai.server.live.LiveService;
import io.lianmai.server.signal.SignallingRoutes;
import io.lianmai.server.whip.WhipWhepRoutes;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToIntFunction;

/**
 * Rooms and who is in them, by kind of member: {@code webrtc} (SDK members on the signalling socket, those waiting
 * out their resume grace period included), {@code whip} and {@code rtmp} (publishers without a socket); and the
 * entry points' own counts (signalling sockets, WHEP players). Counted once per scrape: the member count locks each
 * room in turn.
 */
final class RoomMeters implements ScrapedMeters {
    private final RoomRegistry rooms;
    private final HttpFrontDoor frontDoor;
    private final LiveService live;
    private volatile Counts last = new Counts(0, 0, 0, 0, 0, 0);

    /** What one scrape counted. */
    private record Counts(int rooms, int members, int whipMembers, int rtmpMembers, int whipWhepSessions,
            int signallingSockets) {
        int webRtcMembers() {
            return Math.max(0, members - whipMembers - rtmpMembers);
        }

        int whepPlayers() {
            return Math.max(0, whipWhepSessions - whipMembers);
        }
    }

    /** The front door's routes exist once it listens; until then their counts are 0. */
    RoomMeters(RoomRegistry rooms, HttpFrontDoor frontDoor, LiveService live) {
        this.rooms = rooms;
        this.frontDoor = frontDoor;
        this.live = live;
    }

    @Override
    public void refresh() {
        WhipWhepRoutes whipWhep = frontDoor.whipWhep();
        SignallingRoutes signalling = frontDoor.signalling();
        LiveBridges bridges = live.bridges();
        last = new Counts(rooms.roomCount(), rooms.memberCount(), whipWhep == null ? 0 : whipWhep.publishers(),
                bridges == null ? 0 : bridges.rtmpMembers(), whipWhep == null ? 0 : whipWhep.sessions(),
                signalling == null ? 0 : signalling.openSockets());
    }

    /** A gauge of one count of the last snapshot, with {@code tags} as name/value pairs. */
    private void gauge(MeterRegistry registry, String name, String description, ToIntFunction<Counts> value,
            String... tags) {
        ScrapedMeters.gauge(registry, name, description, this, meters -> value.applyAsInt(meters.last), tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "lianmai.rooms", "Rooms on this node", Counts::rooms);
        String members = "Room members on this node, by how they joined";
        gauge(registry, "lianmai.members", members, Counts::webRtcMembers, "kind", "webrtc");
        gauge(registry, "lianmai.members", members, Counts::whipMembers, "kind", "whip");
        gauge(registry, "lianmai.members", members, Counts::rtmpMembers, "kind", "rtmp");
        gauge(registry, "lianmai.signalling.sockets", "Signalling WebSockets open (/ws)", Counts::signallingSockets);
        gauge(registry, "lianmai.whep.players", "WHEP players (sessions admitted, not ended)", Counts::whepPlayers);
    }
}
