package dev.bluegreen.proxy.internal.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The two messages of {@code grpc.health.v1.Health/Check}, encoded and decoded by hand (protobuf's wire format is
 * small enough for two one-field messages, and the proxy needs no generated code for them), each in gRPC's
 * length-prefixed framing. Stateless.
 *
 * <pre>
 * message HealthCheckRequest  { string service = 1; }
 * message HealthCheckResponse { enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
 *                               ServingStatus status = 1; }
 * </pre>
 */
public final class GrpcHealthMessages {

    /** {@code ServingStatus.UNKNOWN}, also what an answer without a status field means. */
    public static final int UNKNOWN = 0;
    public static final int SERVING = 1;
    public static final int NOT_SERVING = 2;
    public static final int SERVICE_UNKNOWN = 3;

    /** The 5 bytes before each message: a compressed flag and the message's length (big-endian). */
    public static final int PREFIX_LENGTH = 5;

    private static final int WIRE_VARINT = 0;
    private static final int WIRE_64BIT = 1;
    private static final int WIRE_LENGTH_DELIMITED = 2;
    private static final int WIRE_32BIT = 5;

    private GrpcHealthMessages() {
    }

    /** A framed {@code HealthCheckRequest} for {@code service} ({@code ""}: the server as a whole). */
    public static ByteBuf checkRequest(ByteBufAllocator alloc, String service) {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        // proto3 leaves a field at its default (the empty string) out of the message.
        int messageLength = name.length == 0 ? 0 : 1 + varintSize(name.length) + name.length;
        ByteBuf out = alloc.buffer(PREFIX_LENGTH + messageLength);
        out.writeByte(0).writeInt(messageLength);
        if (name.length > 0) {
            out.writeByte(1 << 3 | WIRE_LENGTH_DELIMITED);
            writeVarint(out, name.length);
            out.writeBytes(name);
        }
        return out;
    }

    /**
     * The status of the framed {@code HealthCheckResponse} in {@code framed} (the response body, whole).
     *
     * @return the serving status, 0-3 (or another value a newer server sends)
     * @throws IllegalArgumentException if the body is not one uncompressed, well-formed message
     */
    public static int servingStatus(byte[] framed) {
        if (framed.length < PREFIX_LENGTH) {
            throw new IllegalArgumentException("a health answer of " + framed.length + " bytes (expected: at least "
                    + PREFIX_LENGTH + ")");
        }
        if (framed[0] != 0) {
            throw new IllegalArgumentException("a compressed health answer (expected: uncompressed)");
        }
        long length = ((framed[1] & 0xFFL) << 24) | ((framed[2] & 0xFF) << 16) | ((framed[3] & 0xFF) << 8)
                | (framed[4] & 0xFF);
        if (length != framed.length - PREFIX_LENGTH) {
            throw new IllegalArgumentException("a health answer announcing " + length + " bytes in "
                    + (framed.length - PREFIX_LENGTH) + " (expected: one whole message)");
        }
        int status = UNKNOWN;
        int[] at = {PREFIX_LENGTH};
        while (at[0] < framed.length) {
            long tag = readVarint(framed, at);
            int field = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            if (field == 1 && wireType == WIRE_VARINT) {
                status = (int) readVarint(framed, at);
            } else {
                skip(framed, at, wireType);
            }
        }
        return status;
    }

    /** The name of a serving status, as logs and refusals give it. */
    public static String statusName(int status) {
        return switch (status) {
            case UNKNOWN -> "UNKNOWN";
            case SERVING -> "SERVING";
            case NOT_SERVING -> "NOT_SERVING";
            case SERVICE_UNKNOWN -> "SERVICE_UNKNOWN";
            default -> "status " + status;
        };
    }

    private static void skip(byte[] bytes, int[] at, int wireType) {
        switch (wireType) {
            case WIRE_VARINT -> readVarint(bytes, at);
            case WIRE_64BIT -> advance(bytes, at, 8);
            case WIRE_32BIT -> advance(bytes, at, 4);
            case WIRE_LENGTH_DELIMITED -> advance(bytes, at, readVarint(bytes, at));
            default -> throw new IllegalArgumentException("a health answer with wire type " + wireType
                    + " (expected: 0, 1, 2 or 5)");
        }
    }

    private static void advance(byte[] bytes, int[] at, long count) {
        if (count < 0 || count > bytes.length - at[0]) {
            throw new IllegalArgumentException("a health answer cut short (expected: " + count + " more bytes)");
        }
        at[0] += (int) count;
    }

    private static long readVarint(byte[] bytes, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= bytes.length) {
                throw new IllegalArgumentException("a health answer cut short in a varint");
            }
            byte b = bytes[at[0]++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("a health answer with a varint over 10 bytes");
    }

    private static int varintSize(int value) {
        int size = 1;
        while ((value >>>= 7) != 0) {
            size++;
        }
        return size;
    }

    private static void writeVarint(ByteBuf out, int value) {
        while ((value & ~0x7F) != 0) {
            out.writeByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte(value);
    }
}
