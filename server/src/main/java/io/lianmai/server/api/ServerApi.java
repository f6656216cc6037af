package io.lianmai.server.api;

import io.lianmai.media.MediaServer;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.callback.CallbackTargetPolicy;
import io.lianmai.server.config.ApiConfig;
import io.lianmai.server.http.RequestAuthenticator;
import io.lianmai.server.live.LiveService;
import io.lianmai.server.recording.CloudRecordings;
import io.lianmai.store.AppStore;
import io.lianmai.store.CallbackOutbox;
import io.lianmai.store.RoomHistory;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.List;

/**
 * The server API on both its entry points, serving the same actions: {@code POST /} signed with an API credential
 * (Tencent Cloud API 3.0, {@link CloudApiRoutes}) and the older {@code POST /api/v1/{Action}} with an administrator
 * UserSig ({@link RestApiRoutes}).
 */
public final class ServerApi {
    private final RestApiRoutes restApi;
    private final CloudApiRoutes cloudApi;
    private final RoomModeration moderation;

    private ServerApi(RestApiRoutes restApi, CloudApiRoutes cloudApi, RoomModeration moderation) {
        this.restApi = restApi;
        this.cloudApi = cloudApi;
        this.moderation = moderation;
    }

    /** The room actions ({@code DismissRoom}, {@code RemoveUser}), for a cluster to forward and receive them. */
    public RoomModeration moderation() {
        return moderation;
    }

    /**
     * Every action this server implements.
     *
     * @param trackedAddresses source addresses whose request rate is remembered ({@code limits.trackedAddresses})
     */
    public static ServerApi standard(Vertx vertx, RequestAuthenticator authenticator, LiveService live,
            MediaServer media, RoomRegistry rooms, AppStore apps, CredentialDirectory credentials, ApiConfig config,
            int trackedAddresses, CallbackOutbox callbacks, CallbackTargetPolicy callbackTargets, RoomHistory history,
            CloudRecordings recordings, Clock clock) {
        AddressRateLimit addressRate = new AddressRateLimit(config.requestsPerSecondPerIp(), config.burstPerIp(),
                trackedAddresses, clock);
        RoomModeration moderation = new RoomModeration(rooms, live, config.removedUserRejoinBlock(), clock);
        RestApiRoutes restApi = RestApiRoutes.standard(vertx, authenticator, addressRate, live, media, moderation,
                callbacks,
                java.util.stream.Stream.of(consoleActions(media, rooms, apps, callbackTargets, clock),
                        historyActions(history, clock), recordingActions(recordings))
                        .flatMap(List::stream).toList());
        return new ServerApi(restApi, new CloudApiRoutes(vertx, restApi, credentials, addressRate, apps,
                config.requestsPerSecond(), clock), moderation);
    }

    /**
     * Lianmai's own actions behind the operator console ({@code /console}): the apps, the live rooms and the node.
     * The room observer that tells members' kinds is added to {@code rooms} here, before anyone can enter.
     */
    private static List<RestAction<?>> consoleActions(MediaServer media, RoomRegistry rooms, AppStore apps,
            CallbackTargetPolicy callbackTargets, Clock clock) {
        RoomMemberKinds kinds = new RoomMemberKinds();
        rooms.addObserver(kinds);
        return List.of(new DescribeApps(apps, clock), new CreateApp(apps), new ModifyApp(apps, callbackTargets, clock),
                new RotateAppKey(apps), new DescribeLiveRooms(rooms, kinds, media),
                new DescribeNodeStats(rooms, kinds, media::stats, clock));
    }

    /** TRTC's call-quality actions over the room history ({@code io.lianmai.server.history} writes it). */
    private static List<RestAction<?>> historyActions(RoomHistory history, Clock clock) {
        HistoryQueries queries = new HistoryQueries(history, clock);
        return List.of(new DescribeRoomInfo(queries), new DescribeUserInfo(queries),
                new DescribeCallDetailInfo(queries), new DescribeUserEvent(queries));
    }

    /** TRTC's cloud recording actions ({@code io.lianmai.server.recording} runs the tasks). */
    private static List<RestAction<?>> recordingActions(CloudRecordings recordings) {
        return List.of(new CreateCloudRecording(recordings), new DescribeCloudRecording(recordings),
                new ModifyCloudRecording(recordings), new DeleteCloudRecording(recordings));
    }

    /** Adds {@code POST /} and {@code POST /api/v1/{Action}} to {@code router}. */
    public void mount(Router router) {
        restApi.mount(router);
        cloudApi.mount(router);
    }
}
