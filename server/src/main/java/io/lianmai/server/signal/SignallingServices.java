package io.lianmai.server.signal;

import io.lianmai.media.MediaPlane;
import io.lianmai.room.CrossRoomLinks;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.cluster.RoomPlacement;
import io.lianmai.server.config.SignalConfig;
import io.lianmai.server.http.RequestAuthenticator;
import io.lianmai.server.ice.IceServers;
import io.lianmai.server.limits.Admission;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * The node's services a signalling socket works with, built once by the composition root and shared by
 * {@link SignallingRoutes} and every {@link SignallingConnection} (a parameter object: the constructors took them
 * one by one, seven of nine arguments alike for both).
 *
 * @param vertx the Vert.x instance whose event loops run the sockets
 * @param authenticator checks the app, UserSig and privateMapKey of {@code enter}
 * @param rooms the room registry members enter and leave
 * @param media the media plane that negotiates the members' sessions
 * @param admission who may start a session now
 * @param config the {@code signal.*} settings (heartbeats, limits)
 * @param clock the node's clock
 * @param iceServers the TURN/STUN servers members are given in {@code enter} and {@code resume}
 * @param crossRoom the cross-room PK links ({@code connectOtherRoom}/{@code disconnectOtherRoom})
 * @param placement which node serves a room ({@link RoomPlacement#LOCAL} on a single node): {@code enter} sends the
 *     client there when it is another
 */
public record SignallingServices(Vertx vertx, RequestAuthenticator authenticator, RoomRegistry rooms,
        MediaPlane media, Admission admission, SignalConfig config, Clock clock, IceServers iceServers,
        CrossRoomLinks crossRoom, RoomPlacement placement) {
}
