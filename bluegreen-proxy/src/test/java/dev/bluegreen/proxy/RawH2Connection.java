package dev.bluegreen.proxy;

import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client that writes raw frames (RFC 9113 §4.1), for attacks the codecs of well-behaved clients won't
 * send: a blocking socket, the preface and SETTINGS exchange done in {@link #open}, then frames as the test writes
 * them. A reader thread records every frame the server sends and the end of the connection.
 */
final class RawH2Connection implements AutoCloseable {

    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int WINDOW_UPDATE = 0x8;
    static final int CONTINUATION = 0x9;
    static final int END_STREAM = 0x1;
    static final int END_HEADERS = 0x4;
    static final int ACK = 0x1;

    /** A frame the server sent. */
    record Frame(int type, int flags, int streamId, byte[] payload) {
        int errorCode() {
            // RST_STREAM: the whole payload; GOAWAY: after the last stream id.
            return ByteBuffer.wrap(payload, type == GOAWAY ? 4 : 0, 4).getInt();
        }

        /** A WINDOW_UPDATE's increment (its reserved bit cleared). */
        int windowIncrement() {
            return ByteBuffer.wrap(payload).getInt() & 0x7fffffff;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final List<Frame> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Frame> goAway = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final String authority;
    private final DefaultHttp2HeadersEncoder encoder =
            new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true);
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
    /** Every HEADERS frame received and decoded so far, in order, by stream id. */
    private final List<Map.Entry<Integer, Http2Headers>> decoded = new ArrayList<>();

    private RawH2Connection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        authority = "127.0.0.1:" + port;
    }

    /** Connects, sends the preface and empty SETTINGS, and acknowledges the server's SETTINGS. */
    static RawH2Connection open(int port) throws IOException {
        RawH2Connection connection = openWithoutReading(port);
        connection.startReading();
        return connection;
    }

    /**
     * Like {@link #open}, but nothing more is read from the server until {@link #startReading()}: its writes back up,
     * as they do for a client that floods the server without reading the answers.
     */
    static RawH2Connection openWithoutReading(int port) throws IOException {
        return openWithoutReading(port, new byte[0]);
    }

    /** Like {@link #open(int)}, with {@code settings} (the SETTINGS payload: 6 bytes per setting) sent. */
    static RawH2Connection open(int port, byte[] settings) throws IOException {
        RawH2Connection connection = openWithoutReading(port, settings);
        connection.startReading();
        return connection;
    }

    private static RawH2Connection openWithoutReading(int port, byte[] settings) throws IOException {
        RawH2Connection connection = new RawH2Connection(port);
        connection.out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        connection.frame(SETTINGS, 0, 0, settings);
        Frame frame;
        do {
            frame = connection.readFrame();
            connection.received.add(frame);
        } while (frame.type() != SETTINGS || (frame.flags() & ACK) != 0);
        // The server applies its stream limit once its SETTINGS are acknowledged (RFC 9113 §6.5.3).
        connection.frame(SETTINGS, ACK, 0, new byte[0]);
        return connection;
    }

    /** Starts recording what the server sends, on a thread of its own. */
    void startReading() {
        Thread reader = new Thread(this::readAll, "raw-h2-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private Frame readFrame() throws IOException {
        int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int streamId = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(type, flags, streamId, payload);
    }

    private void readAll() {
        try {
            while (true) {
                Frame frame = readFrame();
                received.add(frame);
                if (frame.type() == GOAWAY) {
                    goAway.complete(frame);
                }
            }
        } catch (EOFException e) {
            closed.complete(null);
        } catch (IOException e) {
            // A reset after the server closed with our bytes unread: closed all the same.
            closed.complete(null);
        }
    }

    /** Writes one frame. */
    synchronized void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
        out.write(encode(type, flags, streamId, payload));
    }

    /** Writes bytes as they are: frames {@link #encode}d ahead, many at a time. */
    synchronized void writeRaw(byte[] frames) throws IOException {
        out.write(frames);
    }

    /** One frame's bytes. */
    static byte[] encode(int type, int flags, int streamId, byte[] payload) {
        byte[] header = new byte[9];
        header[0] = (byte) (payload.length >>> 16);
        header[1] = (byte) (payload.length >>> 8);
        header[2] = (byte) payload.length;
        header[3] = (byte) type;
        header[4] = (byte) flags;
        ByteBuffer.wrap(header, 5, 4).putInt(streamId);
        byte[] frame = Arrays.copyOf(header, 9 + payload.length);
        System.arraycopy(payload, 0, frame, 9, payload.length);
        return frame;
    }

    /**
     * A header block for {@code GET /}: {@code :method GET}, {@code :scheme http} and {@code :path /} from the HPACK
     * static table, then {@code :authority} as a literal without indexing (RFC 7541 §6.1, §6.2.2).
     */
    byte[] getRequestBlock() {
        byte[] value = authority.getBytes(StandardCharsets.US_ASCII);
        byte[] block = new byte[5 + value.length];
        block[0] = (byte) 0x82;
        block[1] = (byte) 0x86;
        block[2] = (byte) 0x84;
        block[3] = 0x01;
        block[4] = (byte) value.length;
        System.arraycopy(value, 0, block, 5, value.length);
        return block;
    }

    /**
     * A header block for {@code POST /} with {@code expect: 100-continue}: {@code :method POST} from the static table,
     * then as {@link #getRequestBlock()}, then {@code expect} as a literal with its static-table name (index 35).
     */
    byte[] postExpectingContinueBlock() {
        java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
        byte[] get = getRequestBlock();
        block.write(0x83);
        block.write(get, 1, get.length - 1);
        block.write(0x0f);
        block.write(35 - 15);
        block.write(12);
        block.writeBytes("100-continue".getBytes(StandardCharsets.US_ASCII));
        return block.toByteArray();
    }

    /** {@link #getRequestBlock()} plus a header {@code x-big} whose value is {@code size} bytes. */
    byte[] getRequestBlockWithHeader(int size) {
        java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
        block.writeBytes(getRequestBlock());
        // Literal without indexing, new name (RFC 7541 §6.2.2); lengths as HPACK integers (§5.1), no Huffman.
        block.write(0x00);
        block.write(5);
        block.writeBytes("x-big".getBytes(StandardCharsets.US_ASCII));
        writeInteger(block, size);
        block.writeBytes("a".repeat(size).getBytes(StandardCharsets.US_ASCII));
        return block.toByteArray();
    }

    private static void writeInteger(java.io.ByteArrayOutputStream out, int value) {
        if (value < 127) {
            out.write(value);
            return;
        }
        out.write(127);
        int rest = value - 127;
        while (rest >= 128) {
            out.write((rest & 0x7f) | 0x80);
            rest >>>= 7;
        }
        out.write(rest);
    }

    /**
     * Sends {@code headers} (in their order, pseudo-header fields included, nothing validated) as one HEADERS frame
     * on {@code streamId}, HPACK-encoded by this connection's encoder (so several blocks share its dynamic table).
     */
    synchronized void headers(int streamId, Http2Headers headers, boolean endStream) throws IOException {
        writeRaw(headersFrame(streamId, headers, endStream));
    }

    /**
     * The bytes of the HEADERS frame {@link #headers} sends, for a test that writes it with other frames at once. The
     * block is encoded now: the frame must be sent, and before any block encoded after it.
     */
    synchronized byte[] headersFrame(int streamId, Http2Headers headers, boolean endStream) throws IOException {
        ByteBuf block = Unpooled.buffer();
        try {
            encoder.encodeHeaders(streamId, headers, block);
            return encode(HEADERS, (endStream ? END_STREAM : 0) | END_HEADERS, streamId, ByteBufUtil.getBytes(block));
        } catch (Http2Exception e) {
            throw new IOException(e);
        } finally {
            block.release();
        }
    }

    /**
     * The header fields of the HEADERS frames the server sent on {@code streamId} so far, in order. Every HEADERS frame
     * received is decoded once, in the order it came: HPACK's dynamic table is the connection's, so a block decoded
     * twice, or out of order, would make the decoder's table differ from the server's.
     */
    synchronized List<Http2Headers> headersOf(int streamId) {
        List<Frame> all = received(HEADERS);
        for (int i = decoded.size(); i < all.size(); i++) {
            Frame frame = all.get(i);
            ByteBuf block = Unpooled.wrappedBuffer(frame.payload());
            try {
                decoded.add(Map.entry(frame.streamId(), decoder.decodeHeaders(frame.streamId(), block)));
            } catch (Http2Exception e) {
                throw new IllegalStateException(e);
            } finally {
                block.release();
            }
        }
        return decoded.stream().filter(entry -> entry.getKey() == streamId).map(Map.Entry::getValue).toList();
    }

    /** A complete GET on stream {@code streamId}: one HEADERS frame with END_STREAM and END_HEADERS. */
    void get(int streamId) throws IOException {
        frame(HEADERS, END_STREAM | END_HEADERS, streamId, getRequestBlock());
    }

    void rstStream(int streamId, int errorCode) throws IOException {
        frame(RST_STREAM, 0, streamId, ByteBuffer.allocate(4).putInt(errorCode).array());
    }

    void flush() throws IOException {
        out.flush();
    }

    /** The server's GOAWAY, waited for. */
    Frame awaitGoAway(Duration timeout) {
        return goAway.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** Whether the server closed the connection within the timeout. */
    boolean awaitClosed(Duration timeout) {
        try {
            closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** The {@code :status} of the server's response on {@code streamId}, waited for. */
    int awaitStatus(int streamId, Duration timeout) {
        Http2Headers headers = await().atMost(timeout).until(() -> headersOf(streamId), blocks -> !blocks.isEmpty())
                .get(0);
        return Integer.parseInt(headers.status().toString());
    }

    /** The fields of the second HEADERS frame on {@code streamId}, which follows its head: its trailers, waited for. */
    Http2Headers awaitTrailers(int streamId, Duration timeout) {
        return await().atMost(timeout).until(() -> headersOf(streamId), blocks -> blocks.size() >= 2).get(1);
    }

    /** Every frame received so far of {@code type}. */
    List<Frame> received(int type) {
        return received.stream().filter(frame -> frame.type() == type).toList();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
