package io.lianmai.auth;

/** Helpers shared by the UserSig tests. */
final class UserSigAssertions {
    private UserSigAssertions() {
    }

    /** Something that should reject a UserSig. */
    @FunctionalInterface
    interface Check {
        void run() throws UserSigException;
    }

    /** The typed reason {@code check} rejects with; fails the test if it accepts or throws anything else. */
    static UserSigError rejection(Check check) {
        try {
            check.run();
        } catch (UserSigException e) {
            return e.error();
        }
        throw new AssertionError("expected a UserSigException, but the UserSig was accepted");
    }

    /** Packs any JSON text the way a UserSig is packed, to build hostile inputs that pass the outer layers. */
    static String pack(String json) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        deflater.finish();
        byte[] buffer = new byte[json.length() * 2 + 64];
        int length = deflater.deflate(buffer);
        deflater.end();
        return UserSig.toUserSigBase64(java.util.Arrays.copyOf(buffer, length));
    }
}
