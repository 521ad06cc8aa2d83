package dev.bluegreen.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A blocking HTTP/1.1 client over a plain socket, for end-to-end tests that need control over the bytes:
 * several requests on one keep-alive connection, pipelining, half-written or malformed requests.
 *
 * <pre>{@code
 * try (RawHttpClient client = RawHttpClient.connect(proxyPort)) {
 *     RawResponse first = client.get("/");                          // keep-alive
 *     client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");   // pipelined
 *     RawResponse a = client.readResponse(), b = client.readResponse();
 *     PatternSink sink = new PatternSink();                         // 100 MB, never held in memory
 *     client.request("GET", "/big", Map.of()).readResponse(sink);
 *     sink.verify(100L << 20);
 * }
 * }</pre>
 *
 * <p>Writing sends bytes as given, without checking them. Reading parses a status line and header fields, then
 * the body as RFC 9112 section 6.3 says: none for HEAD, 1xx, 204 and 304; chunked (trailers kept); by
 * {@code Content-Length}; else until the server closes. A 1xx interim response is returned on its own; read
 * again for the final one.
 *
 * <p>Not thread-safe: use one thread per client. I/O failures are thrown as {@link UncheckedIOException} whose
 * cause tells what happened: {@link SocketTimeoutException} when nothing arrived within the read timeout
 * (10 s unless set), {@link EOFException} when the server closed before a complete response, a
 * {@link SocketException} for a reset.
 */
public final class RawHttpClient implements AutoCloseable {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_LINE = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String authority;
    private final byte[] buffer = new byte[BytePattern.CHUNK_SIZE];
    private int position;
    private int limit;

    private RawHttpClient(Socket socket, InetSocketAddress address) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        this.authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /**
     * Connects to {@code 127.0.0.1:port}.
     *
     * @throws UncheckedIOException if the connection fails
     */
    public static RawHttpClient connect(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        return connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /**
     * Connects to {@code address}, with TCP_NODELAY and a read timeout of 10 s.
     *
     * @throws UncheckedIOException if the connection fails
     */
    public static RawHttpClient connect(InetSocketAddress address) {
        requireNonNull(address, "address");
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) DEFAULT_TIMEOUT.toMillis());
            socket.connect(address, (int) DEFAULT_TIMEOUT.toMillis());
            return new RawHttpClient(socket, address);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("connect to " + address + " failed", e);
        }
    }

    /**
     * Sets how long a read waits for bytes before it fails with a {@link SocketTimeoutException}.
     *
     * @return this client
     */
    public RawHttpClient soTimeout(Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Returns the local port of the connection, which identifies it at the server. */
    public int localPort() {
        return socket.getLocalPort();
    }

    /** Sends {@code raw} as ISO-8859-1 bytes (ASCII for ASCII text), flushed. */
    public RawHttpClient send(String raw) {
        return send(raw.getBytes(ISO_8859_1));
    }

    /** Sends {@code bytes} as they are, flushed. */
    public RawHttpClient send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Returns the socket's output stream, unbuffered, for writing a body piece by piece. */
    public OutputStream output() {
        return out;
    }

    /**
     * Sends a request head {@code METHOD path HTTP/1.1} with a {@code Host} field (unless {@code headers} has
     * one) and {@code headers} in their iteration order. Nothing else: if the headers announce a body, send it
     * next with {@link #send}, {@link #sendPattern} or {@link #sendChunk}.
     *
     * @return this client, e.g. to call {@link #readResponse()}
     */
    public RawHttpClient request(String method, String path, Map<String, String> headers) {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        requireNonNull(headers, "headers");
        StringBuilder head = new StringBuilder(128).append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        if (headers.keySet().stream().noneMatch("Host"::equalsIgnoreCase)) {
            head.append("Host: ").append(authority).append("\r\n");
        }
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return send(head.append("\r\n").toString());
    }

    /** Sends {@code GET path} and reads the response, body kept. */
    public RawResponse get(String path) {
        return request("GET", path, Map.of()).readResponse();
    }

    /** Sends the first {@code length} bytes of the test pattern, raw (for a {@code Content-Length} body). */
    public RawHttpClient sendPattern(long length) {
        try {
            for (long done = 0; done < length; ) {
                int n = (int) Math.min(BytePattern.CHUNK_SIZE, length - done);
                out.write(BytePattern.template(), BytePattern.offsetInTemplate(done), n);
                done += n;
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Sends the first {@code length} bytes of the test pattern as a chunked body, {@code chunkSize} bytes per
     * chunk, ending with the last chunk and no trailers.
     */
    public RawHttpClient sendPatternChunked(long length, int chunkSize) {
        if (chunkSize < 1 || chunkSize > BytePattern.CHUNK_SIZE) {
            throw new IllegalArgumentException("chunkSize: " + chunkSize + " (expected: 1-" + BytePattern.CHUNK_SIZE + ")");
        }
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(chunkSize, length - done);
            sendChunk(BytePattern.template(), BytePattern.offsetInTemplate(done), n);
            done += n;
        }
        return sendLastChunk();
    }

    /** Sends one chunk of a chunked body (RFC 9112 section 7.1); a zero length is refused, see {@link #sendLastChunk}. */
    public RawHttpClient sendChunk(byte[] bytes, int offset, int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("length: " + length + " (expected: > 0; use sendLastChunk() to end)");
        }
        try {
            out.write((Integer.toHexString(length) + "\r\n").getBytes(ISO_8859_1));
            out.write(bytes, offset, length);
            out.write('\r');
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Sends the last chunk of a chunked body, without trailers. */
    public RawHttpClient sendLastChunk() {
        return send("0\r\n\r\n");
    }

    /** Reads the next response, keeping its body; for a response to HEAD use {@link #readResponse(boolean)}. */
    public RawResponse readResponse() {
        return readResponse(false);
    }

    /**
     * Reads the next response, keeping its body.
     *
     * @param headRequest true if it answers a HEAD request, so it has no body whatever its headers say
     */
    public RawResponse readResponse(boolean headRequest) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        return read(headRequest, BodySink.to(body), body);
    }

    /** Reads the next response, streaming its body to {@code sink}; the returned body is empty. */
    public RawResponse readResponse(BodySink sink) {
        return readResponse(false, sink);
    }

    /** Reads the next response, streaming its body to {@code sink}; the returned body is empty. */
    public RawResponse readResponse(boolean headRequest, BodySink sink) {
        return read(headRequest, requireNonNull(sink, "sink"), null);
    }

    /**
     * Returns true if the server has closed the connection: the next read ends the stream (or is reset) within
     * the read timeout. Bytes that arrive instead are kept for the next {@link #readResponse()}.
     */
    public boolean isClosedByPeer() {
        try {
            return isClosedByPeer(Duration.ofMillis(socket.getSoTimeout()));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Like {@link #isClosedByPeer()}, waiting at most {@code wait}. */
    public boolean isClosedByPeer(Duration wait) {
        if (position < limit) {
            return false;
        }
        try {
            int timeout = socket.getSoTimeout();
            socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
            try {
                return fill() < 0;
            } finally {
                socket.setSoTimeout(timeout);
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset by peer
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Half-closes: sends FIN, keeps reading possible. */
    public void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes with a reset (SO_LINGER 0), as a crashing client would. */
    public void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // closing below is what matters
        }
        closeQuietly(socket);
    }

    /** Closes the connection. */
    @Override
    public void close() {
        closeQuietly(socket);
    }

    private RawResponse read(boolean headRequest, BodySink sink, ByteArrayOutputStream kept) {
        try {
            String statusLine = readLine(true);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/") || parts[1].length() != 3) {
                throw new IOException("malformed status line: \"" + statusLine + "\"");
            }
            int status = Integer.parseInt(parts[1]);
            String reason = parts.length == 3 ? parts[2] : "";
            Map<String, List<String>> headers = readFields();
            Map<String, List<String>> trailers = Map.of();
            long length = 0;
            boolean noBody = headRequest || status < 200 || status == 204 || status == 304;
            if (!noBody) {
                String transferEncoding = last(headers.get("Transfer-Encoding"));
                String contentLength = last(headers.get("Content-Length"));
                if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).trim().endsWith("chunked")) {
                    Map<String, List<String>> chunkTrailers = HeaderMaps.newMap();
                    length = readChunked(sink, chunkTrailers);
                    trailers = chunkTrailers;
                } else if (transferEncoding == null && contentLength != null) {
                    length = Long.parseLong(contentLength.trim());
                    readExactly(length, sink);
                } else {
                    length = readUntilClose(sink);
                }
            }
            byte[] body = kept == null ? new byte[0] : kept.toByteArray();
            return new RawResponse(parts[0], status, reason, headers, trailers, body, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, List<String>> readFields() throws IOException {
        Map<String, List<String>> fields = HeaderMaps.newMap();
        for (String line = readLine(false); !line.isEmpty(); line = readLine(false)) {
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new IOException("malformed field line: \"" + line + "\"");
            }
            HeaderMaps.add(fields, line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return fields;
    }

    private long readChunked(BodySink sink, Map<String, List<String>> trailers) throws IOException {
        long total = 0;
        while (true) {
            String sizeLine = readLine(false);
            int extension = sizeLine.indexOf(';');
            String hex = (extension >= 0 ? sizeLine.substring(0, extension) : sizeLine).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size line: \"" + sizeLine + "\"", e);
            }
            if (size == 0) {
                trailers.putAll(readFields());
                return total;
            }
            readExactly(size, sink);
            total += size;
            String end = readLine(false);
            if (!end.isEmpty()) {
                throw new IOException("chunk of " + size + " bytes not followed by CRLF but \"" + end + "\"");
            }
        }
    }

    private void readExactly(long length, BodySink sink) throws IOException {
        for (long left = length; left > 0; ) {
            if (position == limit && fill() < 0) {
                throw new EOFException("connection closed after " + (length - left) + " of " + length + " body bytes");
            }
            int n = (int) Math.min(left, limit - position);
            sink.write(buffer, position, n);
            position += n;
            left -= n;
        }
    }

    private long readUntilClose(BodySink sink) throws IOException {
        long total = 0;
        while (position < limit || fill() >= 0) {
            int n = limit - position;
            sink.write(buffer, position, n);
            position = limit;
            total += n;
        }
        return total;
    }

    /** Reads a line ending in LF (a preceding CR is dropped), as ISO-8859-1. */
    private String readLine(boolean startOfMessage) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (position == limit && fill() < 0) {
                throw new EOFException(startOfMessage && line.length() == 0
                        ? "connection closed by the server before a response"
                        : "connection closed in the middle of a line: \"" + line + "\"");
            }
            byte b = buffer[position++];
            if (b == '\n') {
                int last = line.length() - 1;
                if (last >= 0 && line.charAt(last) == '\r') {
                    line.setLength(last);
                }
                return line.toString();
            }
            if (line.length() == MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) (b & 0xFF));
        }
    }

    /** Reads more bytes into the empty buffer; returns how many, or -1 at the end of the stream. */
    private int fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        position = 0;
        limit = Math.max(n, 0);
        return n;
    }

    private static String last(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do with a socket that fails to close
        }
    }

    @Override
    public String toString() {
        return "RawHttpClient[" + socket.getLocalSocketAddress() + " -> " + authority + "]";
    }
}
