package io.lianmai.server.cli;

import io.lianmai.server.config.LianmaiConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lianmai health}: asks a running server's {@code GET /healthz} and exits 0 when it answers 200, 1 otherwise.
 * The container image's health check (docs/deployment.md): the image has no curl, and this reads the same
 * configuration as the server, so it finds the port the server was given.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Check a running server: GET /healthz on this machine's HTTP port (exit 0 when it answers 200).")
final class HealthCommand implements Callable<Integer> {
    @ParentCommand
    LianmaiCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--url", paramLabel = "URL",
            description = "The health URL to ask. Default: http://{http.host, or 127.0.0.1 for 0.0.0.0}:{http.port}/healthz.")
    String url;

    @Option(names = "--timeout-seconds", paramLabel = "SECONDS", defaultValue = "3",
            description = "Connect and answer within this long (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        String target = url != null ? url : defaultUrl(configOptions.load(root.context(), Map.of()));
        PrintWriter out = spec.commandLine().getOut();
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) URI.create(target).toURL().openConnection();
            connection.setConnectTimeout(timeoutSeconds * 1000);
            connection.setReadTimeout(timeoutSeconds * 1000);
            int status = connection.getResponseCode();
            InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            String text = body == null ? "" : new String(body.readNBytes(4096), StandardCharsets.UTF_8);
            out.println(status + " " + text.strip());
            out.flush();
            if (status != 200) {
                throw new CommandFailure(target + " answered " + status);
            }
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandFailure(target + ": " + e);
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    /** Where this machine's server answers: its HTTP address, loopback when it binds every address. */
    static String defaultUrl(LianmaiConfig config) {
        String host = config.http().host();
        if (host.equals("0.0.0.0") || host.isEmpty()) {
            host = "127.0.0.1";
        } else if (host.equals("::")) {
            host = "::1";
        }
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + config.http().port() + "/healthz";
    }
}
