package io.lianmai.server;

import io.lianmai.common.SdkAppId;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.live.LiveService;
import io.lianmai.store.App;
import io.lianmai.store.AppDirectory;
import io.vertx.core.Vertx;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends everything of an app that went from enabled to disabled (or was deleted): every member of its rooms is
 * removed with reason {@code app-disabled} — signalling clients get {@code kicked}, WHIP publishers' sessions end,
 * and with the publishers their WHEP players and live output — and its RTMP connections are closed. New entries
 * are refused by {@link io.lianmai.server.http.RequestAuthenticator}, which reads the same directory.
 *
 * <p>Called by the {@link AppDirectory} on the thread that made or saw the change (a CLI change in another process
 * shows at the next refresh, {@code apps.refreshSeconds}). An entry authenticated just before the change may reach
 * its room just after the sweep, so the sweep runs again {@link #RESWEEP_MILLIS} later if the app is still disabled.
 */
final class AppEviction implements AppDirectory.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(AppEviction.class);
    /** Longer than an authenticated entry takes to reach its room (a map lookup and a room lock). */
    static final long RESWEEP_MILLIS = 1_000;

    private final AppDirectory apps;
    private final RoomRegistry rooms;
    private final LiveService live;
    private final Vertx vertx;

    AppEviction(AppDirectory apps, RoomRegistry rooms, LiveService live, Vertx vertx) {
        this.apps = apps;
        this.rooms = rooms;
        this.live = live;
        this.vertx = vertx;
    }

    @Override
    public void onAppChanged(Optional<App> before, Optional<App> after) {
        boolean wasEnabled = before.map(App::enabled).orElse(false);
        boolean isEnabled = after.map(App::enabled).orElse(false);
        if (!wasEnabled || isEnabled) {
            return;
        }
        SdkAppId sdkAppId = before.get().sdkAppId();
        int removed = evict(sdkAppId);
        LOG.info("app {} {}: removed {} member(s) from its rooms and closed its RTMP connections", sdkAppId,
                after.isPresent() ? "disabled" : "deleted", removed);
        vertx.setTimer(RESWEEP_MILLIS, id -> {
            if (apps.find(sdkAppId).map(app -> !app.enabled()).orElse(true)) {
                int late = evict(sdkAppId);
                if (late > 0) {
                    LOG.info("app {} disabled: removed {} member(s) that entered during the change", sdkAppId, late);
                }
            }
        });
    }

    /** Removes the app's members and closes its RTMP connections; never throws (a listener must not). */
    private int evict(SdkAppId sdkAppId) {
        try {
            int removed = rooms.removeAll(sdkAppId, LeaveReason.APP_DISABLED);
            live.closeApp(sdkAppId);
            return removed;
        } catch (RuntimeException e) {
            LOG.warn("cannot end every session of disabled app {}", sdkAppId, e);
            return 0;
        }
    }
}
