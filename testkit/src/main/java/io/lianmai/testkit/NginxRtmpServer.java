package io.lianmai.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's nginx with the nginx-rtmp module (packages {@code nginx} and {@code libnginx-mod-rtmp}) as an independent
 * RTMP server on loopback: a stand-in for a CDN's ingest that shares no code with Lianmai. Each instance is a
 * process of the test's own, with its own configuration, ports and files in the test's folder; it never touches
 * the system's nginx or {@code /var/lib/nginx}.
 *
 * <p>It accepts publishing and playing from 127.0.0.1 on {@code rtmp://127.0.0.1:{port}/live/{stream}} and reports
 * what it carries at {@code http://127.0.0.1:{httpPort}/stat} (nginx-rtmp's XML statistics).
 */
public final class NginxRtmpServer implements AutoCloseable {
    /** Where Debian's libnginx-mod-rtmp puts the module. */
    public static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_rtmp_module.so");

    private final Process process;
    private final int rtmpPort;
    private final int httpPort;
    private final Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private NginxRtmpServer(Process process, int rtmpPort, int httpPort, Path dir) {
        this.process = process;
        this.rtmpPort = rtmpPort;
        this.httpPort = httpPort;
        this.dir = dir;
    }

    /**
     * Starts nginx with its files under {@code dir} and waits (at most 10 s) until it answers; skips the test
     * loudly, or fails it under CI, when nginx or the RTMP module is not installed.
     */
    public static NginxRtmpServer start(Path dir) throws IOException, InterruptedException {
        Path nginx = ExternalTools.require("nginx (Debian package nginx)", "/usr/sbin/nginx");
        if (!Files.isRegularFile(MODULE)) {
            ExternalTools.unavailable("the nginx RTMP module is not installed (Debian package libnginx-mod-rtmp, "
                    + MODULE + ")");
        }
        Path home = Files.createDirectories(dir.resolve("nginx-rtmp"));
        int rtmpPort = ServerProcesses.freePort();
        int httpPort = ServerProcesses.freePort();
        Path config = home.resolve("nginx.conf");
        Files.writeString(config, config(home, rtmpPort, httpPort));
        Path log = home.resolve("stdout.log");
        Process process = new ProcessBuilder(nginx.toString(), "-p", home.toString(), "-e",
                home.resolve("error.log").toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NginxRtmpServer server = new NginxRtmpServer(process, rtmpPort, httpPort, home);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("nginx exited with " + process.exitValue() + ": " + Files.readString(log)
                        + server.errorLog());
            }
            try {
                server.stat();
                return server;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        server.close();
        throw new AssertionError("nginx did not answer on 127.0.0.1:" + httpPort + " within 10 s: " + server.errorLog());
    }

    /** The RTMP URL of {@code stream} in the {@code live} application. */
    public String url(String stream) {
        return "rtmp://127.0.0.1:" + rtmpPort + "/live/" + stream;
    }

    /** nginx-rtmp's statistics (XML), which name each stream being published. */
    public String stat() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/stat")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("nginx /stat answered " + response.statusCode());
        }
        return response.body();
    }

    /** Whether a publisher is pushing {@code stream} into nginx now. */
    public boolean isPublishing(String stream) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("<stream>\\s*<name>" + Pattern.quote(stream) + "</name>(.*?)</stream>",
                Pattern.DOTALL).matcher(stat());
        return m.find() && m.group(1).contains("<publishing/>");
    }

    /** nginx's error log so far, for failure messages. */
    public String errorLog() throws IOException {
        Path log = dir.resolve("error.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops nginx (SIGTERM, a fast shutdown) and waits for it, at most 5 s before killing it. */
    @Override
    public void close() throws InterruptedException {
        ServerProcesses.stop(process);
    }

    private static String config(Path home, int rtmpPort, int httpPort) {
        // One process (master_process off): nginx-rtmp's live streams need a single worker, and a test then owns
        // exactly the process it started.
        return """
                load_module %1$s;
                daemon off;
                master_process off;
                pid %2$s/nginx.pid;
                error_log %2$s/error.log info;
                events {
                    worker_connections 64;
                }
                rtmp {
                    server {
                        listen 127.0.0.1:%3$d;
                        chunk_size 4096;
                        application live {
                            live on;
                            record off;
                            allow publish 127.0.0.1;
                            deny publish all;
                            allow play 127.0.0.1;
                            deny play all;
                        }
                    }
                }
                http {
                    access_log %2$s/access.log;
                    client_body_temp_path %2$s/client_body;
                    proxy_temp_path %2$s/proxy;
                    fastcgi_temp_path %2$s/fastcgi;
                    uwsgi_temp_path %2$s/uwsgi;
                    scgi_temp_path %2$s/scgi;
                    server {
                        listen 127.0.0.1:%4$d;
                        location /stat {
                            rtmp_stat all;
                        }
                    }
                }
                """.formatted(MODULE, home, rtmpPort, httpPort);
    }
}
