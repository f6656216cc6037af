package io.lianmai.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lianmai health}, the container image's health check: against a real HTTP server on loopback that answers
 * as {@code /healthz} does, it exits 0 only on 200 and finds the port from the same configuration as the server.
 */
class HealthCommandTest {
    @TempDir
    Path workingDirectory;

    private HttpServer server;
    private volatile int status = 200;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void exitsZeroWhenHealthzAnswers200AtTheConfiguredPort() throws IOException {
        int port = serve();

        Result result = run(Map.of("LIANMAI_HTTP_PORT", Integer.toString(port)), "health");

        assertThat(result.status).as(result.err).isZero();
        assertThat(result.out).contains("200").contains("\"status\":\"ok\"");
    }

    @Test
    void exitsOneWhenHealthzAnswers503() throws IOException {
        int port = serve();
        status = 503;

        Result result = run(Map.of(), "health", "--set", "http.port=" + port);

        assertThat(result.status).isEqualTo(1);
        assertThat(result.err).contains("answered 503");
    }

    @Test
    void exitsOneWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }

        Result result = run(Map.of(), "health", "--url", "http://127.0.0.1:" + port + "/healthz",
                "--timeout-seconds", "1");

        assertThat(result.status).isEqualTo(1);
        assertThat(result.err).contains("127.0.0.1:" + port).contains("Connection refused");
    }

    @Test
    void asksLoopbackWhenTheServerBindsEveryAddressAndItsOwnAddressOtherwise() {
        CliContext context = new CliContext(Map.of(), workingDirectory, Clock.systemUTC());
        ConfigOptions options = new ConfigOptions();

        assertThat(HealthCommand.defaultUrl(options.load(context, Map.of())))
                .isEqualTo("http://127.0.0.1:8800/healthz");
        assertThat(HealthCommand.defaultUrl(options.load(new CliContext(
                Map.of("LIANMAI_HTTP_HOST", "::1", "LIANMAI_HTTP_PORT", "9000"), workingDirectory, Clock.systemUTC()),
                Map.of()))).isEqualTo("http://[::1]:9000/healthz");
    }

    private int serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/healthz", exchange -> {
            byte[] body = (status == 200 ? "{\"status\":\"ok\",\"version\":\"dev\",\"apps\":1}"
                    : "{\"status\":\"unavailable\",\"reason\":\"app store: down\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    private Result run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(environment, workingDirectory, Clock.systemUTC());
        int exit = LianmaiCommand.commandLine(context, new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private record Result(int status, String out, String err) {
    }
}
