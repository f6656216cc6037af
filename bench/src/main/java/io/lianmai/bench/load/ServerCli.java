package io.lianmai.bench.load;

import io.lianmai.common.SdkAppId;
import io.lianmai.server.config.ConfigLoader;
import io.lianmai.store.App;
import io.lianmai.store.AppStore;
import io.lianmai.store.JdbcAppStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the attacks ask of the operator's side, through the server's own command line while it runs (as an operator
 * would): sign a playback URL, create an app, make an app require PrivateMapKeys. When a command does not exist on
 * this build, the same is done through the server's store where it can be (the reason is in {@link #lastProblem}),
 * else the answer says it could not.
 */
final class ServerCli {
    private final ChildServer server;
    private String lastProblem = "";

    ServerCli(ChildServer server) {
        this.server = server;
    }

    String lastProblem() {
        return lastProblem;
    }

    /**
     * A signed HTTP-FLV URL of {@code stream} that expires in {@code expireSeconds}, on the server's base URL:
     * {@code lianmai live sign} when it exists, else computed from the app's playback key read from the store
     * ({@code txTime} = hex expiry, {@code txSecret} = MD5(playKey + stream + txTime)).
     */
    Optional<URI> signedFlv(SdkAppId sdkAppId, String stream, long expireSeconds) {
        ChildServer.CliResult r = server.cli(List.of("live", "sign", "--sdkappid", sdkAppId.toString(),
                "--stream", stream, "--expire", Long.toString(expireSeconds)));
        if (r.exitCode() == 0) {
            for (String line : r.output().split("\\R")) {
                String l = line.trim();
                int at = l.indexOf("/live/");
                if (at >= 0 && l.contains(".flv")) {
                    return Optional.of(server.baseUrl().resolve(l.substring(at + 1)));
                }
            }
            lastProblem = "`lianmai live sign` printed no FLV URL: " + r.output().trim();
            return Optional.empty();
        }
        String cliProblem = "`lianmai live sign` failed (exit " + r.exitCode() + "): " + firstLine(r.output());
        Optional<String> playKey = playKey(sdkAppId);
        if (playKey.isEmpty()) {
            lastProblem = cliProblem + "; and the playback key could not be read: " + lastProblem;
            return Optional.empty();
        }
        String txTime = Long.toHexString(System.currentTimeMillis() / 1000 + expireSeconds).toUpperCase();
        String txSecret = md5Hex(playKey.get() + stream + txTime);
        return Optional.of(server.baseUrl().resolve("live/" + stream + ".flv?txSecret=" + txSecret + "&txTime="
                + txTime));
    }

    /** The app's playback key, read from the server's store (as the CLI reads it). */
    Optional<String> playKey(SdkAppId sdkAppId) {
        try (AppStore store = openStore()) {
            return store.find(sdkAppId).map(App::playKey);
        } catch (RuntimeException e) {
            lastProblem = e.getMessage();
            return Optional.empty();
        } catch (Exception e) {
            lastProblem = e.toString();
            return Optional.empty();
        }
    }

    /** Creates an app; returns its SDKAppID, and its secret key in {@code secretOut[0]}. */
    Optional<SdkAppId> createApp(String name, String[] secretOut) {
        ChildServer.CliResult r = server.cli(List.of("app", "create", "--name", name));
        if (r.exitCode() != 0) {
            lastProblem = "`lianmai app create` failed: " + firstLine(r.output());
            return Optional.empty();
        }
        SdkAppId id = null;
        for (String line : r.output().split("\\R")) {
            String l = line.trim();
            if (l.startsWith("SDKAppID")) {
                id = SdkAppId.parse(l.substring(8));
            } else if (l.startsWith("SecretKey")) {
                secretOut[0] = l.substring(9).trim();
            }
        }
        if (id == null || secretOut[0] == null) {
            lastProblem = "`lianmai app create` printed no SDKAppID/SecretKey: " + r.output().trim();
            return Optional.empty();
        }
        return Optional.of(id);
    }

    /** An API credential as {@code lianmai apikey create} printed it. */
    record ApiKey(String secretId, String secretKey) {
    }

    /** {@code lianmai apikey create} (every app); empty, with the reason in {@link #lastProblem}, when it failed. */
    Optional<ApiKey> createApiKey() {
        ChildServer.CliResult r = server.cli(List.of("apikey", "create"));
        String secretId = null;
        String secretKey = null;
        for (String line : r.output().split("\\R")) {
            String[] words = line.trim().split("\\s+");
            if (words.length == 2 && words[0].equals("SecretId")) {
                secretId = words[1];
            } else if (words.length == 2 && words[0].equals("SecretKey")) {
                secretKey = words[1];
            }
        }
        if (r.exitCode() != 0 || secretId == null || secretKey == null) {
            lastProblem = "`lianmai apikey create` failed (exit " + r.exitCode() + "): " + firstLine(r.output());
            return Optional.empty();
        }
        return Optional.of(new ApiKey(secretId, secretKey));
    }

    /**
     * {@code lianmai app set --sdkappid ID --require-private-map-key true}; when that command does not exist, the same
     * setting written to the store directly (as the command would). False when neither worked.
     */
    boolean requirePrivateMapKey(SdkAppId sdkAppId) {
        ChildServer.CliResult r = server.cli(List.of("app", "set", "--sdkappid", sdkAppId.toString(),
                "--require-private-map-key", "true"));
        if (r.exitCode() == 0) {
            return true;
        }
        String cliProblem = "`lianmai app set --require-private-map-key` is not available (exit " + r.exitCode()
                + "): " + firstLine(r.output());
        try (AppStore store = openStore()) {
            store.setRequirePrivateMapKey(sdkAppId, true);
            lastProblem = cliProblem + "; set in the store instead";
            return true;
        } catch (Exception e) {
            lastProblem = cliProblem + "; and the store could not be written: " + e.getMessage();
            return false;
        }
    }

    private AppStore openStore() {
        return JdbcAppStore.open(new ConfigLoader(Map.of(), server.workingDirectory())
                .load(Optional.empty(), Map.of("data.dir", server.workingDirectory().resolve("data").toString()))
                .store(), Clock.systemUTC());
    }

    static String md5Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(String output) {
        String trimmed = output.trim();
        int nl = trimmed.indexOf('\n');
        return nl < 0 ? trimmed : trimmed.substring(0, nl);
    }
}
