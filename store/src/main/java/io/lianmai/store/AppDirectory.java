package io.lianmai.store;

import io.lianmai.common.SdkAppId;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every app held in memory, so that looking one up never waits for the database: an unauthenticated request naming
 * any SDKAppID costs a map lookup, not a connection from a small pool.
 *
 * <p>Writes go to the {@link AppStore} underneath and show here at once. Changes made by another process (the CLI
 * beside a running server, another node) show after the next {@link #refresh()}, which the owner calls on a timer
 * from a thread that may block. {@link #find} and {@link #list} never block; {@link #count} asks the database,
 * so a health check still proves it answers.
 *
 * <p>{@link Listener}s hear of every app that appeared, changed or went away, on the thread that made or saw the
 * change, after the directory shows it.
 */
public final class AppDirectory implements AppStore {

    /** Told of changes to apps; implementations must be quick and must not throw. */
    @FunctionalInterface
    public interface Listener {
        /**
         * An app changed: {@code before} empty means it is new, {@code after} empty that it is gone.
         */
        void onAppChanged(Optional<App> before, Optional<App> after);
    }

    private final AppStore store;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** Replaced whole on each change, so readers need no lock; writers hold {@code this}. */
    private volatile Map<SdkAppId, App> apps = Map.of();

    private AppDirectory(AppStore store) {
        this.store = store;
    }

    /** Loads every app of {@code store} (blocking) and returns the directory over it. */
    public static AppDirectory over(AppStore store) {
        AppDirectory directory = new AppDirectory(Objects.requireNonNull(store, "store"));
        directory.refresh();
        return directory;
    }

    /** Adds a listener; it hears of changes from now on. */
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Reloads every app from the store (blocking) and tells the listeners what changed since the last load.
     *
     * @throws StoreException when the database fails; the directory keeps what it had
     */
    public void refresh() {
        List<App> loaded;
        Map<SdkAppId, App> fresh = new HashMap<>();
        Map<SdkAppId, App> before;
        // Read under the lock: a write in this process that committed after the read must not be overwritten by it.
        synchronized (this) {
            loaded = store.list();
            loaded.forEach(app -> fresh.put(app.sdkAppId(), app));
            before = apps;
            apps = Map.copyOf(fresh);
        }
        for (App app : loaded) {
            App old = before.get(app.sdkAppId());
            if (!app.equals(old)) {
                changed(Optional.ofNullable(old), Optional.of(app));
            }
        }
        for (App old : before.values()) {
            if (!fresh.containsKey(old.sdkAppId())) {
                changed(Optional.of(old), Optional.empty());
            }
        }
    }

    @Override
    public Optional<App> find(SdkAppId sdkAppId) {
        return Optional.ofNullable(apps.get(sdkAppId));
    }

    @Override
    public List<App> list() {
        return apps.values().stream().sorted(Comparator.comparing(App::sdkAppId)).toList();
    }

    /** Asks the database, so that a health check sees it answer. */
    @Override
    public long count() {
        return store.count();
    }

    @Override
    public App create(String name) {
        return show(store.create(name));
    }

    @Override
    public Optional<App> createIfNone(String name) {
        return store.createIfNone(name).map(this::show);
    }

    @Override
    public App setEnabled(SdkAppId sdkAppId, boolean enabled) {
        return show(store.setEnabled(sdkAppId, enabled));
    }

    @Override
    public App setWebhook(SdkAppId sdkAppId, Optional<String> url, Optional<String> callbackKey) {
        return show(store.setWebhook(sdkAppId, url, callbackKey));
    }

    @Override
    public App setPublicPlayback(SdkAppId sdkAppId, boolean publicPlayback) {
        return show(store.setPublicPlayback(sdkAppId, publicPlayback));
    }

    @Override
    public App setRequirePrivateMapKey(SdkAppId sdkAppId, boolean required) {
        return show(store.setRequirePrivateMapKey(sdkAppId, required));
    }

    @Override
    public App rotateSecretKey(SdkAppId sdkAppId, Duration grace) {
        return show(store.rotateSecretKey(sdkAppId, grace));
    }

    @Override
    public App rotatePlayKey(SdkAppId sdkAppId) {
        return show(store.rotatePlayKey(sdkAppId));
    }

    /** Closes the store underneath. */
    @Override
    public void close() {
        store.close();
    }

    /** Puts an app as the store now has it into the directory and tells the listeners. */
    private App show(App app) {
        App old;
        synchronized (this) {
            Map<SdkAppId, App> next = new HashMap<>(apps);
            old = next.put(app.sdkAppId(), app);
            apps = Map.copyOf(next);
        }
        if (!app.equals(old)) {
            changed(Optional.ofNullable(old), Optional.of(app));
        }
        return app;
    }

    private void changed(Optional<App> before, Optional<App> after) {
        for (Listener listener : listeners) {
            listener.onAppChanged(before, after);
        }
    }

    @Override
    public String toString() {
        return "AppDirectory[" + store + ", " + apps.size() + " apps]";
    }
}
