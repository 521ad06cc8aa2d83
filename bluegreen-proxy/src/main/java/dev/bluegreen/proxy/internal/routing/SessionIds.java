package dev.bluegreen.proxy.internal.routing;

import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** Random session ids for the proxy's cookie: 128 bits, URL-safe Base64 (22 characters). */
public final class SessionIds {

    private static final int LENGTH = 22;

    private SessionIds() {
    }

    /**
     * A new id. From {@link ThreadLocalRandom}: an id is no secret (knowing one only tells which colour its
     * session is on, which any client learns by asking), it only has to be unlikely to collide.
     */
    static String next() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether {@code value} is an id this proxy could have made; anything else is replaced. */
    static boolean isValid(String value) {
        if (value == null || value.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = value.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
