package io.lianmai.auth;

import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.UserId;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Signs UserSigs and PrivateMapKeys for one app, producing what Tencent's official {@code TLSSigAPIv2} produces
 * for the same inputs and time: the same fields and the same {@code TLS.sig}.
 *
 * <p>Thread-safe. The time of signing comes from the injected clock.
 */
public final class UserSigSigner {

    /** Longest lifetime accepted: beyond this {@code time + expire} stops being a sensible Unix time. */
    public static final long MAX_EXPIRE_SECONDS = 100L * 365 * 24 * 3600;

    private final SdkAppId sdkAppId;
    private final String secretKey;
    private final Clock clock;

    /**
     * @param sdkAppId the app's SDKAppID
     * @param secretKey the app's secret key, as shown by the console or {@code lianmai app create}
     * @param clock the time source for {@code TLS.time}
     */
    public UserSigSigner(SdkAppId sdkAppId, String secretKey, Clock clock) {
        Objects.requireNonNull(sdkAppId, "sdkAppId");
        if (secretKey == null || secretKey.isEmpty()) {
            throw new IllegalArgumentException("the secret key is empty");
        }
        this.sdkAppId = sdkAppId;
        this.secretKey = secretKey;
        this.clock = clock;
    }

    /** A UserSig for {@code userId}, valid for {@code expireSeconds} from now. */
    public String genUserSig(String userId, long expireSeconds) {
        // The server's rule, so that nothing is signed for a userID the server would refuse.
        UserId.parse(userId);
        requireValidExpire(expireSeconds);
        return sign(userId, clock.instant().getEpochSecond(), expireSeconds, Optional.empty());
    }

    /**
     * A PrivateMapKey for {@code userId} in the numeric room {@code roomId}, as the official
     * {@code genPrivateMapKey(userid, expire, roomid, privilegeMap)}.
     */
    public String genPrivateMapKey(String userId, long expireSeconds, long roomId, int privilegeBits) {
        RoomRef.parse(Long.toString(roomId), null);
        return signPrivateMapKey(userId, expireSeconds, roomId, Optional.empty(), privilegeBits);
    }

    /**
     * A PrivateMapKey for {@code userId} in the string room {@code strRoomId}, as the official
     * {@code genPrivateMapKeyWithStringRoomID(userid, expire, roomstr, privilegeMap)}.
     */
    public String genPrivateMapKeyWithStringRoomId(String userId, long expireSeconds, String strRoomId,
            int privilegeBits) {
        if (strRoomId == null || strRoomId.isEmpty()) {
            throw new IllegalArgumentException("strRoomID is empty");
        }
        // The server's rule (TRTC's character set), so that nothing is signed for a room the server would refuse.
        RoomRef.parse(null, strRoomId);
        return signPrivateMapKey(userId, expireSeconds, 0, Optional.of(strRoomId), privilegeBits);
    }

    private String signPrivateMapKey(String userId, long expireSeconds, long roomId, Optional<String> strRoomId,
            int privilegeBits) {
        UserId.parse(userId);
        requireValidExpire(expireSeconds);
        Privileges privileges = Privileges.ofBits(privilegeBits);
        long now = clock.instant().getEpochSecond();
        PrivateMapKey buffer = new PrivateMapKey(userId, sdkAppId, roomId, strRoomId, now + expireSeconds,
                privileges, 0);
        String userbuf = Base64.getEncoder().encodeToString(buffer.encode());
        return sign(userId, now, expireSeconds, Optional.of(userbuf));
    }

    private String sign(String userId, long time, long expireSeconds, Optional<String> userbuf) {
        String content = UserSigFields.signedContent(userId, sdkAppId, time, expireSeconds, userbuf);
        String sig = Base64.getEncoder().encodeToString(Hmac.sha256(secretKey, content));
        return UserSig.encode(new UserSigFields(UserSigFields.VERSION, userId, sdkAppId, time, expireSeconds, sig,
                userbuf));
    }

    private static void requireValidExpire(long expireSeconds) {
        if (expireSeconds < 1 || expireSeconds > MAX_EXPIRE_SECONDS) {
            throw new IllegalArgumentException("expire must be 1.." + MAX_EXPIRE_SECONDS + " seconds, got "
                    + expireSeconds);
        }
    }

    @Override
    public String toString() {
        return "UserSigSigner[sdkAppId=" + sdkAppId + "]";
    }
}
