package dev.bluegreen.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/2 client with prior knowledge (h2c) that allocates nothing per request, so that a benchmark's allocation
 * figure is the proxy's: one blocking socket on 127.0.0.1, one stream at a time, GETs whose HEADERS frame is the same
 * bytes every time but the stream id, responses read frame by frame into a reused buffer.
 *
 * <p>The request's header block uses no dynamic table (indexed static fields and literals without indexing), so it
 * is valid on any stream of any connection. Responses are checked, not decoded: their HEADERS frame must start with
 * the static table's {@code :status: 200}, which is how any HPACK encoder (Netty's included) writes it first. The
 * client answers the server's SETTINGS and PING and gives back the connection's flow-control window as it reads DATA;
 * anything else the server sends about the connection (WINDOW_UPDATE, the ack of its SETTINGS) is skipped, and a
 * GOAWAY or RST_STREAM fails the request.
 */
final class H2cClient implements AutoCloseable {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int FRAME_HEADER = 9;
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int SETTINGS = 0x4;
    private static final int PING = 0x6;
    private static final int GOAWAY = 0x7;
    private static final int WINDOW_UPDATE = 0x8;
    private static final int END_STREAM = 0x1;
    private static final int ACK = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;
    private static final int PRIORITY = 0x20;
    /** HPACK: the static table's {@code :status: 200}, indexed (RFC 7541 appendix A, index 8). */
    private static final byte STATUS_200 = (byte) 0x88;
    /** Given back to the server once this many DATA bytes were read, so its connection window never runs out. */
    private static final int WINDOW_RETURN = 16 * 1024;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] request;
    private final byte[] buffer = new byte[64 * 1024];
    private final byte[] control = new byte[FRAME_HEADER + 8];
    private int filled;
    private int streamId = 1;
    private int unreturnedData;

    private H2cClient(Socket socket, byte[] headerBlock) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.request = new byte[FRAME_HEADER + headerBlock.length];
        writeFrameHeader(request, headerBlock.length, HEADERS, END_STREAM | END_HEADERS, 0);
        System.arraycopy(headerBlock, 0, request, FRAME_HEADER, headerBlock.length);
        out.write(PREFACE);
        byte[] settings = new byte[FRAME_HEADER];
        writeFrameHeader(settings, 0, SETTINGS, 0, 0);
        out.write(settings);
        out.flush();
    }

    /**
     * Connects to a server on 127.0.0.1 and sends the connection preface and empty SETTINGS.
     *
     * @param port the server's port
     * @param userAgent the {@code user-agent} of every request, or null for none
     * @return the connected client
     * @throws IOException if the connection fails
     */
    static H2cClient connect(int port, String userAgent) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        return new H2cClient(socket, headerBlock("127.0.0.1:" + port, userAgent));
    }

    /** {@code GET /} for {@code http://authority}, and a user agent if one is given, without a dynamic table. */
    static byte[] headerBlock(String authority, String userAgent) {
        byte[] block = new byte[256];
        int at = 0;
        block[at++] = (byte) 0x82; // :method: GET, indexed (static 2)
        block[at++] = (byte) 0x86; // :scheme: http, indexed (static 6)
        block[at++] = (byte) 0x84; // :path: /, indexed (static 4)
        at = literalWithoutIndexing(block, at, new byte[] {0x01}, authority); // name :authority (static 1)
        if (userAgent != null) {
            // Name user-agent (static 58): 4-bit prefix full (15), then 58 - 15 = 43.
            at = literalWithoutIndexing(block, at, new byte[] {0x0f, 43}, userAgent);
        }
        byte[] exact = new byte[at];
        System.arraycopy(block, 0, exact, 0, at);
        return exact;
    }

    private static int literalWithoutIndexing(byte[] block, int at, byte[] indexedName, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > 126) {
            throw new IllegalArgumentException("header value of " + bytes.length + " bytes (expected: at most 126)");
        }
        System.arraycopy(indexedName, 0, block, at, indexedName.length);
        at += indexedName.length;
        block[at++] = (byte) bytes.length; // not Huffman-coded, 7-bit length
        System.arraycopy(bytes, 0, block, at, bytes.length);
        return at + bytes.length;
    }

    /**
     * Sends a GET on the next stream and reads its whole response.
     *
     * @return the number of DATA bytes of the response
     * @throws IOException if the connection fails, or the server refuses the stream or answers other than 200
     */
    int get() throws IOException {
        int stream = streamId;
        streamId += 2;
        writeInt(request, 5, stream);
        out.write(request);
        int body = 0;
        while (true) {
            int length = frameLength();
            int type = buffer[3] & 0xff;
            int flags = buffer[4] & 0xff;
            int frameStream = readInt(buffer, 5) & 0x7fffffff;
            if (frameStream == stream && type == HEADERS) {
                int first = FRAME_HEADER + ((flags & PADDED) != 0 ? 1 : 0) + ((flags & PRIORITY) != 0 ? 5 : 0);
                if (buffer[first] != STATUS_200) {
                    throw new IOException("stream " + stream + ": the response does not start with :status 200");
                }
            } else if (frameStream == stream && type == DATA) {
                body += length;
                returnWindow(length);
            } else if (type == RST_STREAM || type == GOAWAY) {
                throw new IOException("stream " + stream + ": the server sent frame type " + type
                        + " with error code " + readInt(buffer, FRAME_HEADER + (type == GOAWAY ? 4 : 0)));
            } else if (type == SETTINGS && (flags & ACK) == 0) {
                writeFrameHeader(control, 0, SETTINGS, ACK, 0);
                out.write(control, 0, FRAME_HEADER);
            } else if (type == PING && (flags & ACK) == 0) {
                writeFrameHeader(control, 8, PING, ACK, 0);
                System.arraycopy(buffer, FRAME_HEADER, control, FRAME_HEADER, 8);
                out.write(control, 0, FRAME_HEADER + 8);
            } else if (type == DATA) {
                returnWindow(length);
            }
            boolean ended = frameStream == stream && (type == HEADERS || type == DATA) && (flags & END_STREAM) != 0;
            consume(FRAME_HEADER + length);
            if (ended) {
                return body;
            }
        }
    }

    /** Reads until a whole frame is at the start of the buffer; returns its payload's length. */
    private int frameLength() throws IOException {
        fillTo(FRAME_HEADER);
        int length = ((buffer[0] & 0xff) << 16) | ((buffer[1] & 0xff) << 8) | (buffer[2] & 0xff);
        if (FRAME_HEADER + length > buffer.length) {
            throw new IOException("a frame of " + length + " bytes (expected: at most " + (buffer.length - 9) + ")");
        }
        fillTo(FRAME_HEADER + length);
        return length;
    }

    private void fillTo(int needed) throws IOException {
        while (filled < needed) {
            int read = in.read(buffer, filled, buffer.length - filled);
            if (read < 0) {
                throw new IOException("the server closed the connection");
            }
            filled += read;
        }
    }

    private void consume(int bytes) {
        System.arraycopy(buffer, bytes, buffer, 0, filled - bytes);
        filled -= bytes;
    }

    /** Counts read DATA against the connection's window and gives it back in steps (streams are used once). */
    private void returnWindow(int length) throws IOException {
        unreturnedData += length;
        if (unreturnedData >= WINDOW_RETURN) {
            writeFrameHeader(control, 4, WINDOW_UPDATE, 0, 0);
            writeInt(control, FRAME_HEADER, unreturnedData);
            out.write(control, 0, FRAME_HEADER + 4);
            unreturnedData = 0;
        }
    }

    private static void writeFrameHeader(byte[] frame, int length, int type, int flags, int stream) {
        frame[0] = (byte) (length >>> 16);
        frame[1] = (byte) (length >>> 8);
        frame[2] = (byte) length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        writeInt(frame, 5, stream);
    }

    private static void writeInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    private static int readInt(byte[] bytes, int at) {
        return ((bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8)
                | (bytes[at + 3] & 0xff);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
