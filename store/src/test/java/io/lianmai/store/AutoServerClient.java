package io.lianmai.store;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * A second process for {@link H2AutoServerTest}, standing in for {@code lianmai app create} while a server holds
 * the H2 file: opens the store, prints READY, waits for GO on stdin, creates apps and prints their ids.
 */
final class AutoServerClient {

    private AutoServerClient() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        StoreConfig config = new StoreConfig(dataDir, Optional.empty(), Optional.empty(), Optional.empty(), 2);
        try (AppStore store = JdbcAppStore.open(config, Clock.systemUTC())) {
            System.out.println("READY");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!"GO".equals(in.readLine())) {
                throw new IllegalStateException("expected GO on stdin");
            }
            for (int i = 0; i < count; i++) {
                System.out.println("ID " + store.create("client app " + i).sdkAppId());
            }
            System.out.println("DONE " + store.count());
            System.out.flush();
        }
    }
}
