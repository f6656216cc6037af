package io.lianmai.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded H2 file shared while it is held open, as when {@code lianmai app create} runs beside a server: two
 * pools in one JVM, and a second JVM reaching the file through H2's AUTO_SERVER.
 */
class H2AutoServerTest {

    private static final long DEADLINE_SECONDS = 60;
    private static final int APPS_PER_SIDE = 20;

    @TempDir
    Path tempDir;

    private StoreConfig config() {
        return new StoreConfig(tempDir.resolve("data"), Optional.empty(), Optional.empty(), Optional.empty(), 4);
    }

    @Test
    void twoPoolsInOneProcessBothWork() throws Exception {
        AppStore first = JdbcAppStore.open(config(), Clock.systemUTC());
        try (AppStore second = JdbcAppStore.open(config(), Clock.systemUTC())) {
            App made = first.create("made by the first");
            assertThat(second.find(made.sdkAppId())).contains(made);

            List<Long> ids = AppStoreContract.createConcurrently(List.of(first, second), APPS_PER_SIDE);

            assertThat(ids).hasSize(2 * APPS_PER_SIDE).doesNotHaveDuplicates();
            assertThat(second.count()).isEqualTo(2 * APPS_PER_SIDE + 1);
            first.close();
            assertThat(second.count()).isEqualTo(2 * APPS_PER_SIDE + 1);
        } finally {
            first.close();
        }
    }

    @Test
    void anotherProcessCreatesAppsWhileThisOneHoldsTheFile() throws Exception {
        Path childErrors = tempDir.resolve("child-stderr.txt");
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try (AppStore server = JdbcAppStore.open(config(), Clock.systemUTC())) {
            App first = server.create("made by the server");
            Process child = new ProcessBuilder(javaExecutable(), "-cp", testClassPath(),
                    AutoServerClient.class.getName(), config().dataDir().toString(),
                    Integer.toString(APPS_PER_SIDE))
                    .redirectError(childErrors.toFile())
                    .start();
            try {
                BlockingQueue<String> lines = new LinkedBlockingQueue<>();
                reader.submit(() -> readLines(child, lines));

                assertThat(nextLine(lines, childErrors)).isEqualTo("READY");
                try (Writer go = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
                    go.write("GO\n");
                }
                List<Long> serverIds = new ArrayList<>();
                for (int i = 0; i < APPS_PER_SIDE; i++) {
                    serverIds.add(server.create("server app " + i).sdkAppId().value());
                }
                List<Long> childIds = new ArrayList<>();
                String line;
                while ((line = nextLine(lines, childErrors)).startsWith("ID ")) {
                    childIds.add(Long.parseLong(line.substring(3)));
                }
                assertThat(line).startsWith("DONE ");
                assertThat(child.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)).as("child exits in time").isTrue();
                assertThat(child.exitValue()).as(errors(childErrors)).isZero();

                List<Long> all = new ArrayList<>(serverIds);
                all.addAll(childIds);
                all.add(first.sdkAppId().value());
                assertThat(all).hasSize(2 * APPS_PER_SIDE + 1).doesNotHaveDuplicates();
                assertThat(server.list()).extracting(app -> app.sdkAppId().value())
                        .containsExactlyInAnyOrderElementsOf(all);
            } finally {
                child.destroyForcibly();
                child.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            reader.shutdownNow();
            assertThat(reader.awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * The AUTO_SERVER listener carries the whole database, secret keys included: it must accept connections from
     * this host only (finding 8 of issue 12), while another process on this host still reaches it.
     */
    @Test
    void autoServerListensOnLoopbackOnly() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "needs Linux /proc/net/tcp");
        try (AppStore server = JdbcAppStore.open(config(), Clock.systemUTC())) {
            server.create("held open");
            Properties lock = new Properties();
            try (var in = Files.newInputStream(config().dataDir().resolve(StoreConfig.H2_FILE_NAME + ".lock.db"))) {
                lock.load(in);
            }
            String address = lock.getProperty("server");
            assertThat(address).as("AUTO_SERVER address in the lock file").isNotNull();
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));

            List<String> listeners = listeningAddresses(port);

            assertThat(listeners).as("listening sockets on port %d", port).isNotEmpty();
            assertThat(listeners).as("AUTO_SERVER bound addresses").allMatch(H2AutoServerTest::isLoopback);
            assertThat(address).as("the address other processes are told").startsWith("localhost:");
        }
    }

    /** Local addresses (hex, as /proc shows them) of the sockets listening on {@code port}. */
    private static List<String> listeningAddresses(int port) throws IOException {
        List<String> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.isReadable(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path).subList(1, Files.readAllLines(path).size())) {
                String[] fields = line.trim().split("\\s+");
                String[] local = fields[1].split(":");
                if (Integer.parseInt(local[1], 16) == port && fields[3].equals("0A")) {
                    addresses.add(local[0]);
                }
            }
        }
        return addresses;
    }

    /** 127.0.0.1 (little-endian hex), ::ffff:127.0.0.1 or ::1 as /proc/net shows them. */
    private static boolean isLoopback(String hex) {
        return hex.equals("0100007F") || hex.equals("0000000000000000FFFF00000100007F")
                || hex.equals("00000000000000000000000001000000");
    }

    private static Void readLines(Process child, BlockingQueue<String> lines) throws IOException {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        }
        lines.add("EOF");
        return null;
    }

    private static String nextLine(BlockingQueue<String> lines, Path childErrors) throws Exception {
        String line = lines.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
        assertThat(line).as("child output within %d s; %s", DEADLINE_SECONDS, errors(childErrors)).isNotNull();
        assertThat(line).as(errors(childErrors)).isNotEqualTo("EOF");
        return line;
    }

    private static String errors(Path childErrors) {
        try {
            return "child stderr:\n" + (Files.exists(childErrors) ? Files.readString(childErrors) : "(none)");
        } catch (IOException e) {
            return "child stderr unreadable: " + e;
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Surefire puts the real test class path here; java.class.path may be its manifest-only jar. */
    private static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }
}
