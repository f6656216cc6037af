package io.lianmai.server.config;

import io.lianmai.store.StoreConfig;
import java.nio.file.Path;

/**
 * The whole server configuration, resolved and typed; built by {@link ConfigLoader}.
 *
 * @param dataDir absolute directory for on-disk state
 * @param http the HTTP front door
 * @param store the app database
 * @param apps start-up behaviour for apps
 */
public record LianmaiConfig(Path dataDir, HttpConfig http, StoreConfig store, AppsConfig apps) {
}
