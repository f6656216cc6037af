package io.lianmai.server.config;

import java.time.Duration;

/**
 * What the server does about apps at start-up.
 *
 * @param createDefault create one app when the registry is empty, so a first run works with no setup
 * @param defaultName name of that app
 * @param devUserSigEndpoint whether {@code GET /api/dev/usersig} signs UserSigs for the demo (development only)
 * @param refresh how often the in-memory app directory reloads apps changed by other processes
 */
public record AppsConfig(boolean createDefault, String defaultName, boolean devUserSigEndpoint, Duration refresh) {
}
