package dev.bluegreen.proxy.internal.grpc;

/**
 * gRPC's status codes (0-16), their names as meters and logs give them, and what a gRPC client makes of an HTTP
 * status that is not 200 (gRPC's "HTTP to gRPC Status Code Mapping"). Stateless.
 */
public final class GrpcStatus {

    public static final int OK = 0;
    public static final int CANCELLED = 1;
    public static final int UNKNOWN = 2;
    public static final int PERMISSION_DENIED = 7;
    public static final int RESOURCE_EXHAUSTED = 8;
    public static final int INTERNAL = 13;
    public static final int UNAVAILABLE = 14;
    /** The largest code. */
    public static final int MAX = 16;

    private static final String[] NAMES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};

    private GrpcStatus() {
    }

    /** The name of {@code code} (0-16), such as {@code UNAVAILABLE}. */
    public static String name(int code) {
        return NAMES[code];
    }

    /** The code a {@code grpc-status} value gives: {@link #UNKNOWN} unless it is a decimal 0-16. */
    public static int parse(String value) {
        String trimmed = value.trim();
        if (trimmed.isEmpty() || trimmed.length() > 2) {
            return UNKNOWN;
        }
        int code = 0;
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c < '0' || c > '9') {
                return UNKNOWN;
            }
            code = code * 10 + (c - '0');
        }
        return code <= MAX ? code : UNKNOWN;
    }

    /**
     * The code a gRPC client reports for a stream reset with HTTP/2 error code {@code errorCode} ("gRPC over HTTP2",
     * Errors): {@code REFUSED_STREAM} is {@code UNAVAILABLE}, {@code CANCEL} {@code CANCELLED},
     * {@code ENHANCE_YOUR_CALM} {@code RESOURCE_EXHAUSTED}, {@code INADEQUATE_SECURITY} {@code PERMISSION_DENIED}, any
     * other {@code INTERNAL}.
     */
    public static int ofResetCode(long errorCode) {
        return switch ((int) Math.min(errorCode, Integer.MAX_VALUE)) {
            case 0x7 -> UNAVAILABLE;
            case 0x8 -> CANCELLED;
            case 0xb -> RESOURCE_EXHAUSTED;
            case 0xc -> PERMISSION_DENIED;
            default -> INTERNAL;
        };
    }

    /** The code a gRPC client reports for a response with HTTP status {@code httpStatus} and no gRPC status. */
    public static int ofHttpStatus(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> INTERNAL;
            case 401 -> 16;
            case 403 -> PERMISSION_DENIED;
            case 404 -> 12;
            case 429, 502, 503, 504 -> UNAVAILABLE;
            default -> UNKNOWN;
        };
    }
}
