package io.lianmai.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import com.tencentcloudapi.trtc.v20190722.models.CreateCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.DeleteCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.DescribeCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.ModifyCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.RecordParams;
import com.tencentcloudapi.trtc.v20190722.models.SubscribeStreamUserIds;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.server.LianmaiServer;
import io.lianmai.server.cli.CliContext;
import io.lianmai.server.config.ConfigLoader;
import io.lianmai.server.db.TestPostgres;
import io.lianmai.store.App;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloud recording tasks of two cluster nodes on one real PostgreSQL (docs/cluster-shared-state.md), through Tencent's
 * Java SDK: a task belongs to the node that created it; the other node describes it from the database and refuses to
 * modify or delete it, naming its node; a restart resumes only the node's own tasks.
 *
 * <p>The nodes share a real {@code redis-server} (testkit {@link RedisServer}) for the node registry.
 */
class CloudRecordingClusterIT {
    private static final String CREDENTIAL_KEY = randomKey();
    private static final String CLUSTER_SECRET = randomKey();

    @TempDir
    Path dir;

    private TestPostgres postgres;
    private RedisServer redis;
    private final List<LianmaiServer> running = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        try {
            running.forEach(LianmaiServer::close);
        } finally {
            if (postgres != null) {
                postgres.close();
            }
            if (redis != null) {
                redis.close();
            }
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private LianmaiServer node(String nodeId) throws Exception {
        Path dataDir = Files.createDirectories(dir.resolve(nodeId));
        Map<String, String> flags = new HashMap<>(Map.of("http.port", "0", "http.host", "127.0.0.1",
                "media.host", "127.0.0.1", "media.udpPort", "0", "media.tcpPort", "0",
                "media.publicIp", "127.0.0.1", "rtmp.host", "127.0.0.1", "rtmp.port", "0"));
        flags.putAll(Map.of("api.requestsPerSecondPerIp", "100000", "api.burstPerIp", "100000",
                "recording.minFreeMegabytes", "64", "data.dir", dataDir.toString()));
        flags.putAll(Map.of("store.jdbcUrl", postgres.jdbcUrl(), "store.username", postgres.user().orElse(""),
                "store.password", postgres.password().orElse(""), "api.credentialKey", CREDENTIAL_KEY,
                "cluster.redis", redis.uri(), "cluster.secret", CLUSTER_SECRET,
                "cluster.nodeId", nodeId));
        LianmaiServer server = LianmaiServer.start(new ConfigLoader(Map.of(), dataDir).load(Optional.empty(), flags),
                Clock.systemUTC());
        running.add(server);
        return server;
    }

    private void stop(LianmaiServer server) {
        running.remove(server);
        server.close();
    }

    @Test
    void aTaskBelongsToItsNodeAndIsResumedOnlyThere() throws Exception {
        postgres = TestPostgres.create();
        redis = RedisServer.start(dir);
        LianmaiServer a = node("node-a");
        App app = a.createdDefaultApp().orElseThrow();
        LianmaiServer b = node("node-b");
        CloudApiClient.Key key = createKey(a);
        TrtcClient onA = CloudApiClient.sdk(a.httpPort(), key);
        TrtcClient onB = CloudApiClient.sdk(b.httpPort(), key);

        String taskId = onA.CreateCloudRecording(create(app, "9301")).getTaskId();
        assertThat(ownerInDatabase(taskId)).isEqualTo("node-a");
        assertThat(describe(onA, app, taskId)).isEqualTo("Idle");
        // Node b answers from the database (the credential reaches it with its next refresh).
        Await.until("node b describing node a's task", Duration.ofSeconds(10), () -> {
            try {
                return describe(onB, app, taskId).equals("InProgress");
            } catch (TencentCloudSDKException e) {
                return false;
            }
        });
        assertRefusedNamingNodeA(() -> onB.DeleteCloudRecording(delete(app, taskId)));
        assertRefusedNamingNodeA(() -> onB.ModifyCloudRecording(modify(app, taskId)));
        assertThat(describe(onA, app, taskId)).as("still running on node a").isEqualTo("Idle");

        // A restart of node b leaves node a's task alone; a restart of node a resumes it.
        stop(b);
        b = node("node-b");
        assertThat(b.recordings().running()).isZero();
        assertThat(a.recordings().running()).isEqualTo(1);
        stop(a);
        a = node("node-a");
        assertThat(a.recordings().running()).isEqualTo(1);
        assertThat(b.recordings().running()).isZero();
        assertThat(ownerInDatabase(taskId)).isEqualTo("node-a");

        TrtcClient onNewA = CloudApiClient.sdk(a.httpPort(), key);
        TrtcClient onNewB = CloudApiClient.sdk(b.httpPort(), key);
        onNewA.ModifyCloudRecording(modify(app, taskId));
        onNewA.DeleteCloudRecording(delete(app, taskId));
        assertThat(a.recordings().running()).isZero();
        assertThat(describe(onNewB, app, taskId)).isEqualTo("Exited");
        assertThatThrownBy(() -> onNewB.DeleteCloudRecording(delete(app, taskId)))
                .isInstanceOf(TencentCloudSDKException.class)
                .satisfies(e -> assertThat(((TencentCloudSDKException) e).getErrorCode())
                        .isEqualTo("ResourceNotFound"));
    }

    private static void assertRefusedNamingNodeA(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(TencentCloudSDKException.class).satisfies(e -> {
            TencentCloudSDKException refused = (TencentCloudSDKException) e;
            assertThat(refused.getErrorCode()).as(e.toString()).isEqualTo("FailedOperation");
            assertThat(refused.getMessage()).contains("runs on node 'node-a'");
        });
    }

    private CloudApiClient.Key createKey(LianmaiServer server) {
        Path dataDir = server.config().dataDir();
        Map<String, String> env = Map.of("LIANMAI_DATA_DIR", dataDir.toString(),
                "LIANMAI_STORE_JDBC_URL", postgres.jdbcUrl(),
                "LIANMAI_STORE_USERNAME", postgres.user().orElse(""),
                "LIANMAI_STORE_PASSWORD", postgres.password().orElse(""),
                "LIANMAI_API_CREDENTIAL_KEY", CREDENTIAL_KEY);
        String out = CloudApiClient.cli(new CliContext(env, dataDir, Clock.systemUTC()), "apikey", "create");
        return new CloudApiClient.Key(CloudApiClient.field(out, "SecretId"), CloudApiClient.field(out, "SecretKey"));
    }

    private String ownerInDatabase(String taskId) throws Exception {
        try (Connection connection = postgres.admin(); Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("SELECT node_id FROM " + postgres.schema()
                     + ".cloud_recording WHERE task_id = '" + taskId + "'")) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }

    private static CreateCloudRecordingRequest create(App app, String room) {
        RecordParams params = new RecordParams();
        params.setRecordMode(1L);
        params.setStreamType(0L);
        params.setOutputFormat(3L);
        params.setAvMerge(1L);
        // Nothing is published: the task must not end idle during the test.
        params.setMaxIdleTime(600L);
        CreateCloudRecordingRequest request = new CreateCloudRecordingRequest();
        request.setSdkAppId(app.sdkAppId().value());
        request.setRoomId(room);
        request.setUserId("recorder");
        request.setUserSig(new UserSigSigner(app.sdkAppId(), app.secretKey(), Clock.systemUTC())
                .genUserSig("recorder", 3600));
        request.setRecordParams(params);
        return request;
    }

    private static String describe(TrtcClient client, App app, String taskId) throws TencentCloudSDKException {
        DescribeCloudRecordingRequest request = new DescribeCloudRecordingRequest();
        request.setSdkAppId(app.sdkAppId().value());
        request.setTaskId(taskId);
        return client.DescribeCloudRecording(request).getStatus();
    }

    private static DeleteCloudRecordingRequest delete(App app, String taskId) {
        DeleteCloudRecordingRequest request = new DeleteCloudRecordingRequest();
        request.setSdkAppId(app.sdkAppId().value());
        request.setTaskId(taskId);
        return request;
    }

    private static ModifyCloudRecordingRequest modify(App app, String taskId) {
        SubscribeStreamUserIds subscription = new SubscribeStreamUserIds();
        subscription.setSubscribeAudioUserIds(new String[] {"alice"});
        ModifyCloudRecordingRequest request = new ModifyCloudRecordingRequest();
        request.setSdkAppId(app.sdkAppId().value());
        request.setTaskId(taskId);
        request.setSubscribeStreamUserIds(subscription);
        return request;
    }
}
